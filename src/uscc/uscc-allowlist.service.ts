import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AccessPolicy } from '../access/access-policy.js';
import type { RequestContext } from '../common/actor.js';
import { AppError } from '../common/errors.js';
import { requiredText } from '../common/text.js';
import { MutationRunner } from '../mutation/mutation.js';
import { UsccAllowlistEntity } from './uscc-allowlist.entity.js';
import { UsccAllowlistEntryModel } from './uscc-allowlist.model.js';
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
    private readonly mutations: MutationRunner,
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

  add(ctx: RequestContext, uscc: string, reason: string): Promise<UsccAllowlistEntryModel> {
    this.policy.assertRegulatorDecision(ctx.actor);
    const why = requiredText(reason, 'input.reason');
    return this.mutations.run(ctx, {
      operation: 'addUsccAllowlistEntry',
      work: async (m) => {
        if (await m.findOneBy(UsccAllowlistEntity, { uscc })) throw AppError.field('input.uscc', 'is already on the allowlist');
        const problem = usccProblem(uscc);
        if (!problem) throw AppError.field('input.uscc', 'passes the check already; only failing codes need the allowlist');
        // The allowlist waives a wrong check character only; a code malformed otherwise could never be used.
        if (problem.kind !== 'CHECK') throw AppError.field('input.uscc', problem.message);
        const entity = await m.save(m.create(UsccAllowlistEntity, { uscc, reason: why, addedByUserId: ctx.actor.userId, addedAt: new Date() }));
        const model = UsccAllowlistEntryModel.fromEntity(entity);
        return { result: model, audit: { action: 'usccAllowlist.add', entityType: 'UsccAllowlistEntry', entityId: uscc, after: model } };
      },
    });
  }

  /** Takes a code off the list; enterprises already registered with it keep their record. */
  remove(ctx: RequestContext, uscc: string, reason: string): Promise<UsccAllowlistEntryModel> {
    this.policy.assertRegulatorDecision(ctx.actor);
    const why = requiredText(reason, 'reason');
    return this.mutations.run(ctx, {
      operation: 'removeUsccAllowlistEntry',
      work: async (m) => {
        const entity = await m.findOne(UsccAllowlistEntity, { where: { uscc }, lock: { mode: 'pessimistic_write' } });
        if (!entity) throw AppError.notFound('Allowlist entry');
        const model = UsccAllowlistEntryModel.fromEntity(entity);
        await m.delete(UsccAllowlistEntity, { uscc });
        return {
          result: model,
          audit: { action: 'usccAllowlist.remove', entityType: 'UsccAllowlistEntry', entityId: uscc, before: model, after: { removed: true, reason: why } },
        };
      },
    });
  }
}
