import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { RequestContext } from '../common/actor.js';
import { AccessPolicy } from '../access/access-policy.js';
import { paginate, type Connection, type PageArgs } from '../common/pagination.js';
import { AuditEventEntity } from './audit-event.entity.js';
import { AuditEventModel, type AuditEventFilter } from './audit-event.model.js';

/** Reads the audit trail (the regulator's). Rows are written by the mutation path only. */
@Injectable()
export class AuditService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly policy: AccessPolicy,
  ) {}

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
