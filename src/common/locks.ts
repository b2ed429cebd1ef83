import type { EntityManager } from 'typeorm';

/**
 * Serialises transactions that would create the same thing (an organisation's application, a USCC) even before a
 * row exists to lock: each key takes a transaction-scoped advisory lock, in sorted order so two callers cannot
 * deadlock. The second caller then sees the first one's row and gets the precise answer, not a unique-index error.
 */
export async function lockKeys(m: EntityManager, ...keys: string[]): Promise<void> {
  for (const key of [...new Set(keys)].sort()) {
    await m.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [key]);
  }
}
