import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { RequestContext } from '../auth/actor.js';
import { AccessPolicy } from '../auth/access-policy.js';
import { AuditService } from '../audit/audit.service.js';
import { AppError } from '../common/errors.js';
import { requiredText } from '../common/text.js';
import { UsccAllowlistEntity } from './enterprise.entity.js';
import { UsccAllowlistEntryModel } from './enterprise.model.js';
import { usccProblem } from './uscc.js';

/**
 * Codes accepted although their check character fails (early pilot codes were issued that way). The regulator keeps
 * the list; nothing is hard-coded.
 */
@Injectable()
export class UsccAllowlistService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly policy: AccessPolicy,
    private readonly audit: AuditService,
  ) {}

  /** What is wrong with a normalised code, or null when it is valid or allowlisted. */
  async usccProblem(m: EntityManager, uscc: string): Promise<string | null> {
    const problem = usccProblem(uscc);
    if (!problem) return null;
    if (problem.kind === 'CHECK') {
      const listed = await m.findOneBy(UsccAllowlistEntity, { uscc });
      if (listed) return null;
      return `${problem.message} (a legally issued code that fails the check must first be put on the regulator's allowlist)`;
    }
    return problem.message;
  }

  async list(ctx: RequestContext): Promise<UsccAllowlistEntryModel[]> {
    this.policy.assertRegulator(ctx.actor);
    const rows = await this.dataSource.getRepository(UsccAllowlistEntity).find({ order: { uscc: 'ASC' } });
    return rows.map(UsccAllowlistEntryModel.fromEntity);
  }

  async add(ctx: RequestContext, uscc: string, reason: string): Promise<UsccAllowlistEntryModel> {
    this.policy.assertRegulatorDecision(ctx.actor);
    const why = requiredText(reason, 'input.reason');
    return this.dataSource.transaction(async (m) => {
      if (await m.findOneBy(UsccAllowlistEntity, { uscc })) throw AppError.field('input.uscc', 'is already on the allowlist');
      const problem = usccProblem(uscc);
      if (!problem) throw AppError.field('input.uscc', 'passes the check already; only failing codes need the allowlist');
      // The allowlist waives a wrong check character only; a code malformed otherwise could never be used.
      if (problem.kind !== 'CHECK') throw AppError.field('input.uscc', problem.message);
      const entity = await m.save(m.create(UsccAllowlistEntity, { uscc, reason: why, addedByUserId: ctx.actor.userId, addedAt: new Date() }));
      const model = UsccAllowlistEntryModel.fromEntity(entity);
      await this.audit.record(m, ctx, { action: 'usccAllowlist.add', entityType: 'UsccAllowlistEntry', entityId: uscc, after: model });
      return model;
    });
  }

  /** Takes a code off the list; enterprises already registered with it keep their record. */
  async remove(ctx: RequestContext, uscc: string, reason: string): Promise<UsccAllowlistEntryModel> {
    this.policy.assertRegulatorDecision(ctx.actor);
    const why = requiredText(reason, 'reason');
    return this.dataSource.transaction(async (m) => {
      const entity = await m.findOne(UsccAllowlistEntity, { where: { uscc }, lock: { mode: 'pessimistic_write' } });
      if (!entity) throw AppError.notFound('Allowlist entry');
      const model = UsccAllowlistEntryModel.fromEntity(entity);
      await m.delete(UsccAllowlistEntity, { uscc });
      await this.audit.record(m, ctx, {
        action: 'usccAllowlist.remove',
        entityType: 'UsccAllowlistEntry',
        entityId: uscc,
        before: model,
        after: { removed: true, reason: why },
      });
      return model;
    });
  }
}
