import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RequestContext } from '../../auth/actor.js';
import { AppError, ErrorCode } from '../errors.js';

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

export interface IdempotentCall<T> {
  /** The operation's name: a key reused for another operation counts as another input. */
  operation: string;
  key: string | null | undefined;
  input: unknown;
  /** Does the work inside the same transaction; its result is stored as JSON and returned again on a replay. */
  work: () => Promise<T>;
  /**
   * For a result that is a live record (a loan, a bond): rebuilds it from the stored first result, so a replay names
   * the same record but shows its current state, never a stale balance beside fresh events.
   */
  replay?: (stored: T) => Promise<T>;
}

/**
 * Idempotency keys, scoped by organisation. The key is claimed by an INSERT in the caller's transaction before the
 * work runs: a concurrent request with the same key waits on that row, then sees the committed result (replay) or,
 * if the first transaction rolled back, claims the key itself. A replay writes nothing.
 */
@Injectable()
export class IdempotencyService {
  async run<T>(manager: EntityManager, ctx: RequestContext, call: IdempotentCall<T>): Promise<T> {
    if (call.key === undefined || call.key === null) return call.work();
    if (!KEY_PATTERN.test(call.key)) {
      throw AppError.field('idempotencyKey', 'must be 1 to 128 printable ASCII characters without spaces');
    }
    const hash = createHash('sha256').update(call.operation).update('\n').update(canonical(call.input)).digest('hex');
    const orgId = ctx.actor.organizationId;
    const claimed: unknown[] = await manager.query(
      `INSERT INTO idempotency_key (organization_id, key, operation, request_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT (organization_id, key) DO NOTHING RETURNING key`,
      [orgId, call.key, call.operation, hash],
    );
    if (claimed.length === 0) {
      const [row] = (await manager.query(`SELECT request_hash, response FROM idempotency_key WHERE organization_id = $1 AND key = $2`, [
        orgId,
        call.key,
      ])) as { request_hash: string; response: T }[];
      if (!row || row.request_hash !== hash) {
        throw new AppError(ErrorCode.IDEMPOTENCY_KEY_REUSED, 'This idempotency key was already used with a different request');
      }
      return call.replay ? call.replay(row.response) : row.response;
    }
    const result = await call.work();
    await manager.query(`UPDATE idempotency_key SET response = $3 WHERE organization_id = $1 AND key = $2`, [
      orgId,
      call.key,
      JSON.stringify(result),
    ]);
    return result;
  }
}
