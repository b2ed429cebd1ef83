import type { DataSource } from 'typeorm';
import { runMutation } from '../mutation/mutation.js';
import type { AppConfig } from '../config/app-config.js';

/** Rows per DELETE: each statement commits on its own, so no lock is held for long and requests interleave. */
export const HOUSEKEEPING_BATCH_SIZE = 5_000;
export const HOUSEKEEPING_REQUEST_ID = 'housekeeping';

export interface HousekeepingSettings {
  /** Idempotency keys older than this go; a replay of such a key is then treated as a new request. */
  idempotencyKeyRetentionHours: number;
  /** The access-token lifetime, which is how long a refresh-token row must outlive its expiry (see below). */
  accessTokenTtlSeconds: number;
  batchSize?: number;
}

export interface HousekeepingResult {
  idempotencyKeys: number;
  refreshTokens: number;
}

export function housekeepingSettings(config: AppConfig): HousekeepingSettings {
  return {
    idempotencyKeyRetentionHours: config.housekeeping.idempotencyKeyRetentionHours,
    accessTokenTtlSeconds: config.jwt.accessTtlSeconds,
  };
}

/**
 * One pass: removes idempotency keys past their retention and refresh tokens long expired, in bounded batches, and
 * writes one audit row when it removed anything.
 *
 * Refresh tokens: an access token names its refresh-token family (`sid`) and is refused while any row of that family
 * is revoked (TokenService); revocation marks every row of the family at once. Each access token is issued together
 * with a new row of its family, which expires after the token's issue; so once that row expired more than
 * ACCESS_TOKEN_TTL ago, the token has expired as well. Removing a row sooner could remove the revoked row that still
 * refuses a live access token, and so revive the token.
 */
export async function runHousekeeping(dataSource: DataSource, settings: HousekeepingSettings): Promise<HousekeepingResult> {
  const batchSize = settings.batchSize ?? HOUSEKEEPING_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batch size must be a positive integer, not ${batchSize}`);
  const idempotencyKeys = await deleteInBatches(
    dataSource,
    `DELETE FROM idempotency_key
      WHERE (organization_id, key) IN (
        SELECT organization_id, key FROM idempotency_key
         WHERE created_at < now() - make_interval(hours => $1)
         LIMIT $2 FOR UPDATE SKIP LOCKED)`,
    settings.idempotencyKeyRetentionHours,
    batchSize,
  );
  const refreshTokens = await deleteInBatches(
    dataSource,
    // Whole sessions (families) at a time, once even their newest row expired: a used row of a live session must stay,
    // so that replaying it still revokes the session instead of answering "not valid".
    `DELETE FROM refresh_token
      WHERE family_id IN (
        SELECT family_id FROM refresh_token
         GROUP BY family_id
        HAVING max(expires_at) < now() - make_interval(secs => $1)
         LIMIT $2)`,
    settings.accessTokenTtlSeconds,
    batchSize,
  );
  const result = { idempotencyKeys, refreshTokens };
  if (idempotencyKeys + refreshTokens > 0) {
    // The batches committed one by one (no long lock); the pass is recorded once, on the mutation path.
    await runMutation(dataSource, { actor: null, requestId: HOUSEKEEPING_REQUEST_ID }, {
      operation: 'housekeeping.purge',
      work: async () => ({
        result,
        audit: {
          action: 'housekeeping.purge',
          entityType: 'Housekeeping',
          entityId: null,
          after: { ...result, idempotencyKeyRetentionHours: settings.idempotencyKeyRetentionHours, refreshTokenGraceSeconds: settings.accessTokenTtlSeconds },
        },
      }),
    });
  }
  return result;
}

/** Repeats `sql` (parameters: the age, then the batch size) until a statement removes less than a full batch. */
async function deleteInBatches(dataSource: DataSource, sql: string, age: number, batchSize: number): Promise<number> {
  let total = 0;
  for (;;) {
    // Not in a transaction: each batch commits by itself. Locked rows are skipped, to be taken by a later pass.
    const [, deleted] = (await dataSource.query(sql, [age, batchSize])) as [unknown[], number];
    total += deleted;
    if (deleted < batchSize) return total;
  }
}
