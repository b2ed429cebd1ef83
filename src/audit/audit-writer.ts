import type { EntityManager } from 'typeorm';
import type { Actor } from '../common/actor.js';
import { newId } from '../common/ids.js';

/** One row of the audit trail, as a mutation describes what it did. */
export interface AuditRecord {
  action: string;
  entityType: string;
  entityId: string | null;
  /** API models (never entities), so secrets such as password hashes cannot reach the trail. */
  before?: unknown;
  after?: unknown;
}

/**
 * Inserts one audit row through the caller's transaction, so the row commits or rolls back with the change. Called by
 * the mutation path only (src/mutation/mutation.ts), which every writing operation goes through.
 */
export async function writeAuditEvent(manager: EntityManager, actor: Actor | null, requestId: string, rec: AuditRecord): Promise<void> {
  await manager.query(
    `INSERT INTO audit_event (id, actor_user_id, actor_api_key_id, organization_id, action, entity_type, entity_id, before, after, request_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      newId(),
      actor?.userId ?? null,
      actor?.apiKeyId ?? null,
      actor?.organizationId ?? null,
      rec.action,
      rec.entityType,
      rec.entityId,
      rec.before === undefined ? null : JSON.stringify(rec.before),
      rec.after === undefined ? null : JSON.stringify(rec.after),
      requestId,
    ],
  );
}
