import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { Actor, RequestContext } from '../auth/actor.js';
import { AccessPolicy } from '../auth/access-policy.js';
import { newId } from '../common/ids.js';
import { paginate, type Connection, type PageArgs } from '../common/pagination.js';
import { AuditEventEntity } from './audit-event.entity.js';
import { AuditEventModel, type AuditEventFilter } from './audit-event.model.js';

export interface AuditRecord {
  action: string;
  entityType: string;
  entityId: string | null;
  before?: unknown;
  after?: unknown;
}

/** The one writer of audit rows; also used by the command-line tools, which run outside the app. */
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

@Injectable()
export class AuditService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly policy: AccessPolicy,
  ) {}

  /**
   * Writes one audit row through the caller's transaction manager, so the row commits or rolls back with the change.
   * `before`/`after` are API models (never entities), so secrets such as password hashes cannot reach the trail.
   */
  record(manager: EntityManager, ctx: RequestContext | { actor: Actor | null; requestId: string }, rec: AuditRecord): Promise<void> {
    return writeAuditEvent(manager, ctx.actor, ctx.requestId, rec);
  }

  async list(ctx: RequestContext, filter: AuditEventFilter | undefined, page: PageArgs): Promise<Connection<AuditEventModel>> {
    this.policy.assertRegulator(ctx.actor);
    const qb = this.dataSource.getRepository(AuditEventEntity).createQueryBuilder('e');
    if (filter?.entityType) qb.andWhere('e.entity_type = :entityType', { entityType: filter.entityType });
    if (filter?.entityId) qb.andWhere('e.entity_id = :entityId', { entityId: filter.entityId });
    if (filter?.action) qb.andWhere('e.action = :action', { action: filter.action });
    if (filter?.organizationId) qb.andWhere('e.organization_id = :organizationId', { organizationId: filter.organizationId });
    if (filter?.actorUserId) qb.andWhere('e.actor_user_id = :actorUserId', { actorUserId: filter.actorUserId });
    if (filter?.from) qb.andWhere('e.occurred_at >= :from', { from: filter.from });
    if (filter?.to) qb.andWhere('e.occurred_at < :to', { to: filter.to });
    return paginate(qb, page, AuditEventModel.fromEntity);
  }
}
