import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppError, ErrorCode } from '../common/errors.js';

const KEY_PATTERN = /^[\x21-\x7e]{1,128}$/;

/** Canonical JSON (object keys sorted) so the same input always hashes the same. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  // An absent field and an explicit null mean the same to the API, so they hash the same.
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined && v !== null)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

export type Claim<T> = { kind: 'NONE' } | { kind: 'CLAIMED'; organizationId: string; key: string } | { kind: 'REPLAY'; stored: T };

/**
 * Idempotency keys, scoped by organisation. The key is claimed by an INSERT in the mutation's transaction before the
 * work runs: a concurrent request with the same key waits on that row, then sees the committed result (replay) or,
 * if the first transaction rolled back, claims the key itself. A key reused with another operation or other input is
 * refused.
 */
export async function claimIdempotencyKey<T>(
  m: EntityManager,
  organizationId: string,
  operation: string,
  key: string | null | undefined,
  input: unknown,
): Promise<Claim<T>> {
  if (key === undefined || key === null) return { kind: 'NONE' };
  if (!KEY_PATTERN.test(key)) throw AppError.field('idempotencyKey', 'must be 1 to 128 printable ASCII characters without spaces');
  const hash = createHash('sha256').update(operation).update('\n').update(canonical(input)).digest('hex');
  const claimed: unknown[] = await m.query(
    `INSERT INTO idempotency_key (organization_id, key, operation, request_hash) VALUES ($1, $2, $3, $4)
     ON CONFLICT (organization_id, key) DO NOTHING RETURNING key`,
    [organizationId, key, operation, hash],
  );
  if (claimed.length) return { kind: 'CLAIMED', organizationId, key };
  const [row] = (await m.query(`SELECT request_hash, response FROM idempotency_key WHERE organization_id = $1 AND key = $2`, [
    organizationId,
    key,
  ])) as { request_hash: string; response: T }[];
  if (!row || row.request_hash !== hash) {
    throw new AppError(ErrorCode.IDEMPOTENCY_KEY_REUSED, 'This idempotency key was already used with a different request');
  }
  return { kind: 'REPLAY', stored: row.response };
}

/** Stores the first answer under the claimed key, for replays. */
export async function storeIdempotentResult(m: EntityManager, claim: { organizationId: string; key: string }, result: unknown): Promise<void> {
  await m.query(`UPDATE idempotency_key SET response = $3 WHERE organization_id = $1 AND key = $2`, [claim.organizationId, claim.key, JSON.stringify(result)]);
}
