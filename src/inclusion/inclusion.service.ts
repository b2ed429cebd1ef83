import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager, EntityTarget } from 'typeorm';
import { AccessPolicy } from '../access/access-policy.js';
import { AppError } from '../common/errors.js';
import type { RequestContext } from '../common/actor.js';
import { newId } from '../common/ids.js';
import { groupBy, loaderFor } from '../common/request-cache.js';
import type { InclusionSubject } from './inclusion-event.entity.js';
import { InclusionEventModel, InclusionReviewModel } from './inclusion-event.model.js';
import { decisionAction, InclusionAction, nextStatus, type InclusionStatus, type ReviewDecision } from './inclusion-status.js';
import { requiredText } from '../common/text.js';
import { MutationRunner } from '../mutation/mutation.js';

/** A library's records: which table, what they are called, and how a row becomes an API model. */
export interface LibrarySubject<E, M> {
  type: InclusionSubject;
  entity: EntityTarget<E>;
  name: string;
  toModel: (e: E) => M;
}

/** What the enterprise and project rows share for the workflow. */
export interface LibraryRecord {
  id: string;
  status: InclusionStatus;
  decidedAt: Date | null;
  updatedAt: Date;
}

const DECISIONS = new Set([InclusionAction.ADMIT, InclusionAction.REJECT, InclusionAction.REMOVE]);

interface EventRow {
  subject_id: string;
  action: InclusionAction;
  from_status: InclusionStatus | null;
  to_status: InclusionStatus;
  comment: string | null;
  actor_user_id: string | null;
  actor_organization_id: string;
  display_name: string | null;
  occurred_at: Date;
}

/** The inclusion workflow shared by the enterprise and project libraries: transitions and their history. */
@Injectable()
export class InclusionService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly mutations: MutationRunner,
    private readonly policy: AccessPolicy,
  ) {}

  /** The regulator admits or rejects a submitted record; a person decides, and says why. */
  review<E extends LibraryRecord, M>(
    ctx: RequestContext,
    subject: LibrarySubject<E, M>,
    id: string,
    decision: ReviewDecision,
    comment: string,
    check?: (m: EntityManager, e: E, action: InclusionAction) => Promise<void>,
  ): Promise<M> {
    this.policy.assertRegulatorDecision(ctx.actor);
    const action = decisionAction(decision);
    return this.decide(ctx, subject, id, action, requiredText(comment, 'comment'), check && ((m, e) => check(m, e, action)));
  }

  /** The regulator takes an admitted record out of its library (退库), with a reason. */
  remove<E extends LibraryRecord, M>(ctx: RequestContext, subject: LibrarySubject<E, M>, id: string, reason: string): Promise<M> {
    this.policy.assertRegulatorDecision(ctx.actor);
    return this.decide(ctx, subject, id, InclusionAction.REMOVE, requiredText(reason, 'reason'));
  }

  /**
   * A regulator's decision (admit, reject, remove) on a library record: locks the row, takes the step and stamps the
   * decision time, on the mutation path (one transaction, audited). `check` may refuse the step after the lock (e.g. a
   * project of a removed enterprise).
   */
  private async decide<E extends LibraryRecord, M>(
    ctx: RequestContext,
    subject: LibrarySubject<E, M>,
    id: string,
    action: InclusionAction,
    comment: string,
    check?: (m: EntityManager, e: E) => Promise<void>,
  ): Promise<M> {
    const operation = `${subject.name.toLowerCase()}.${action.toLowerCase()}`;
    return this.mutations.run(ctx, {
      operation,
      work: async (m) => {
        const entity = (await m.getRepository(subject.entity).findOne({ where: { id } as never, lock: { mode: 'pessimistic_write' } })) as E | null;
        if (!entity) throw AppError.notFound(subject.name);
        await check?.(m, entity);
        const before = subject.toModel(entity);
        const status = await this.step(m, ctx, { type: subject.type, id, from: entity.status }, action, comment);
        const decidedAt = new Date();
        await m.getRepository(subject.entity).update(id, { status, decidedAt, updatedAt: decidedAt } as never);
        Object.assign(entity, { status, decidedAt, updatedAt: decidedAt });
        const after = subject.toModel(entity);
        return { result: after, audit: { action: operation, entityType: subject.name, entityId: id, before, after } };
      },
    });
  }

  /**
   * Checks `action` is allowed from `from`, records the step, and returns the new status. Runs inside the caller's
   * mutation work, after the caller has locked the subject row.
   */
  async step(
    m: EntityManager,
    ctx: RequestContext,
    subject: { type: InclusionSubject; id: string; from: InclusionStatus | null },
    action: InclusionAction,
    comment: string | null,
    snapshot?: unknown,
  ): Promise<InclusionStatus> {
    const to = nextStatus(subject.from, action);
    await m.query(
      `INSERT INTO inclusion_event
         (id, subject_type, subject_id, action, from_status, to_status, comment, actor_user_id, actor_api_key_id, actor_organization_id, snapshot)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        newId(),
        subject.type,
        subject.id,
        action,
        subject.from,
        to,
        comment,
        ctx.actor.userId,
        ctx.actor.apiKeyId,
        ctx.actor.organizationId,
        snapshot === undefined ? null : JSON.stringify(snapshot),
      ],
    );
    return to;
  }

  /** Every step for one subject, oldest first; batched across the subjects of one request. */
  async history(ctx: RequestContext, type: InclusionSubject, subject: { id: string; organizationId: string }): Promise<InclusionEventModel[]> {
    const { rows, named } = await this.visibleSteps(ctx, type, subject);
    return rows.map((r) => ({ action: r.action, comment: r.comment, actor: actorRef(r, named), at: r.occurred_at, fromStatus: r.from_status, toStatus: r.to_status }));
  }

  /** The regulator's decisions for one subject, oldest first. */
  async reviews(ctx: RequestContext, type: InclusionSubject, subject: { id: string; organizationId: string }): Promise<InclusionReviewModel[]> {
    const { rows, named } = await this.visibleSteps(ctx, type, subject);
    return rows
      .filter((r) => DECISIONS.has(r.action))
      .map((r) => ({ decision: r.action, comment: r.comment, reviewer: actorRef(r, named), at: r.occurred_at, fromStatus: r.from_status, toStatus: r.to_status }));
  }

  /**
   * The regulator and the owner see the whole history with names. A lender sees what concerns lending: the steps
   * from the latest admission on (admitted, then perhaps removed), without the people's names; never the
   * applications and rejections before it.
   */
  private async visibleSteps(ctx: RequestContext, type: InclusionSubject, subject: { id: string; organizationId: string }) {
    const rows = await this.loader(ctx, type).load(subject.id);
    if (this.policy.ownsOrRegulates(ctx.actor, subject.organizationId)) return { rows, named: true };
    const lastAdmit = rows.map((r) => r.action).lastIndexOf(InclusionAction.ADMIT);
    return { rows: lastAdmit < 0 ? [] : rows.slice(lastAdmit), named: false };
  }

  private loader(ctx: RequestContext, type: InclusionSubject) {
    return loaderFor<string, EventRow[]>(
      ctx.cache,
      `inclusionEvents:${type}`,
      async (ids) => {
        const rows: EventRow[] = await this.dataSource.query(
          `SELECT e.subject_id, e.action, e.from_status, e.to_status, e.comment, e.actor_user_id, e.actor_organization_id,
                  u.display_name, e.occurred_at
             FROM inclusion_event e LEFT JOIN app_user u ON u.id = e.actor_user_id
            WHERE e.subject_type = $1 AND e.subject_id = ANY($2::uuid[])
            ORDER BY e.id`,
          [type, ids],
        );
        return groupBy(rows, (r) => r.subject_id);
      },
      [],
    );
  }
}

function actorRef(r: EventRow, named: boolean) {
  return { userId: named ? r.actor_user_id : null, displayName: named ? r.display_name : null, organizationId: r.actor_organization_id };
}
