import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import type { RequestContext } from '../common/actor.js';
import { AccessPolicy } from '../access/access-policy.js';
import { AppError, type FieldError } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { paginateRows, SqlWhere, type Connection, type PageArgs } from '../common/pagination.js';
import { leanColumns, leanRowsById } from '../common/lean-rows.js';
import { loaderFor } from '../common/request-cache.js';
import { lockKeys } from '../common/locks.js';
import { escapeLike } from '../common/text.js';
import { InclusionService, type LibrarySubject } from '../inclusion/inclusion.service.js';
import { InclusionAction, InclusionStatus, nextStatus, type ReviewDecision } from '../inclusion/inclusion-status.js';
import { ReferenceService } from '../reference/reference.service.js';
import type { EnterpriseApplicationInput, EnterpriseFilter } from './dto/enterprise.inputs.js';
import { EnterpriseEntity } from './enterprise.entity.js';
import { EnterpriseModel } from './enterprise.model.js';
import { scoreEnterprise } from './green-scorecard.js';
import { UsccAllowlistService } from '../uscc/uscc-allowlist.service.js';
import { MutationRunner } from '../mutation/mutation.js';

/** The states in which an enterprise record holds its USCC against every other applicant, its registered owner included. */
export const USCC_HOLDING_STATUSES = [InclusionStatus.SUBMITTED, InclusionStatus.ADMITTED];

const ENTERPRISES: LibrarySubject<EnterpriseEntity, EnterpriseModel> = {
  type: 'ENTERPRISE',
  entity: EnterpriseEntity,
  name: 'Enterprise',
  toModel: EnterpriseModel.fromEntity,
};

@Injectable()
export class EnterprisesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly policy: AccessPolicy,
    private readonly mutations: MutationRunner,
    private readonly inclusion: InclusionService,
    private readonly reference: ReferenceService,
    private readonly allowlist: UsccAllowlistService,
  ) {}

  /** Applies for inclusion, or resubmits a rejected application of the same organisation (keeping its history). */
  async apply(ctx: RequestContext, input: EnterpriseApplicationInput): Promise<EnterpriseModel> {
    const organizationId = input.organizationId ?? ctx.actor.organizationId;
    this.policy.assertActsForOwnEnterprise(ctx.actor, organizationId);
    return this.mutations.run(ctx, {
      operation: 'applyForEnterpriseInclusion',
      work: async (m) => {
        await lockKeys(m, `enterprise-org:${organizationId}`, `uscc:${input.uscc}`);
        const existing = await m.findOne(EnterpriseEntity, { where: { organizationId }, lock: { mode: 'pessimistic_write' } });
        // The state machine decides first: a first application, or a resubmission after a rejection (nothing else).
        const action = existing ? InclusionAction.RESUBMIT : InclusionAction.SUBMIT;
        nextStatus(existing?.status ?? null, action);
        const problems = await this.applicationProblems(m, input, existing?.id ?? null, organizationId);
        if (problems.length) throw AppError.badInput(problems);
        const id = existing?.id ?? newId();
        const status = await this.inclusion.step(m, ctx, { type: 'ENTERPRISE', id, from: existing?.status ?? null }, action, null, input);
        const score = scoreEnterprise(input);
        const now = new Date();
        const before = existing ? EnterpriseModel.fromEntity(existing) : undefined;
        const entity = m.create(EnterpriseEntity, {
          ...existing,
          id,
          organizationId,
          name: input.name,
          nameEn: input.nameEn ?? null,
          uscc: input.uscc,
          districtCode: input.districtCode,
          industry: input.industry,
          greenRevenueShare: input.greenRevenueShare,
          environmentalCreditRating: input.environmentalCreditRating,
          marine: input.marine,
          description: input.description ?? null,
          status,
          greenScore: score.score,
          greenGrade: score.grade,
          submittedAt: now,
          decidedAt: null,
          createdAt: existing?.createdAt ?? now,
          updatedAt: now,
        });
        await m.save(entity);
        const saved = await m.findOneByOrFail(EnterpriseEntity, { id });
        const after = EnterpriseModel.fromEntity(saved);
        return { result: after, audit: { action: `enterprise.${action.toLowerCase()}`, entityType: 'Enterprise', entityId: id, before, after } };
      },
    });
  }

  review(ctx: RequestContext, id: string, decision: ReviewDecision, comment: string): Promise<EnterpriseModel> {
    return this.inclusion.review(ctx, ENTERPRISES, id, decision, comment);
  }

  remove(ctx: RequestContext, id: string, reason: string): Promise<EnterpriseModel> {
    return this.inclusion.remove(ctx, ENTERPRISES, id, reason);
  }

  /** Batched across the request (so nested fields cost one query); hidden exactly like a missing record. */
  async get(ctx: RequestContext, id: string): Promise<EnterpriseModel> {
    const entity = await this.entityOf(ctx, id);
    if (!entity || !this.visible(ctx, entity)) throw AppError.notFound('Enterprise');
    return EnterpriseModel.fromEntity(entity);
  }

  /** The caller's own enterprise (enterprise users), or null when it has not applied yet. */
  async own(ctx: RequestContext): Promise<EnterpriseModel | null> {
    const entity = await this.dataSource.getRepository(EnterpriseEntity).findOneBy({ organizationId: ctx.actor.organizationId });
    return entity && EnterpriseModel.fromEntity(entity);
  }

  async list(ctx: RequestContext, filter: EnterpriseFilter | undefined, page: PageArgs): Promise<Connection<EnterpriseModel>> {
    const w = new SqlWhere();
    w.and(this.policy.libraryScope(ctx.actor).sql('e', w.bind));
    if (filter?.status?.length) w.and(`e.status = ANY(${w.bind(filter.status)})`);
    if (filter?.districtCode) w.and(`e.district_code = ${w.bind(filter.districtCode)}`);
    if (filter?.greenGrade?.length) w.and(`e.green_grade = ANY(${w.bind(filter.greenGrade)})`);
    if (filter?.marine !== undefined && filter.marine !== null) w.and(`e.marine = ${w.bind(filter.marine)}`);
    if (filter?.search) {
      const contains = w.bind(`%${escapeLike(filter.search)}%`);
      w.and(`e.name ILIKE ${contains} OR e.name_en ILIKE ${contains} OR e.uscc LIKE ${w.bind(`${escapeLike(filter.search.toUpperCase())}%`)}`);
    }
    const from = { table: 'enterprise', alias: 'e', columns: leanColumns(this.dataSource, EnterpriseEntity, 'e') };
    return paginateRows((sql, params) => this.dataSource.query(sql, params), from, w, page, EnterpriseModel.fromEntity);
  }

  /** Whether the caller may see this enterprise (the library scope, as a check on the row). */
  visible(ctx: RequestContext, e: EnterpriseEntity): boolean {
    return this.policy.libraryScope(ctx.actor).allows(e);
  }

  /** Loads enterprises by id, batched per request (visibility is the caller's to check). */
  entityOf(ctx: RequestContext, id: string): Promise<EnterpriseEntity | null> {
    return loaderFor<string, EnterpriseEntity | null>(
      ctx.cache,
      'enterprise',
      (ids) => leanRowsById<EnterpriseEntity>(this.dataSource, EnterpriseEntity, ids),
      null,
    ).load(id);
  }

  private async applicationProblems(
    m: EntityManager,
    input: EnterpriseApplicationInput,
    selfId: string | null,
    organizationId: string,
  ): Promise<FieldError[]> {
    const problems: FieldError[] = [];
    // A USCC the regulator registered belongs to that organisation: it applies under that code only, and no other
    // organisation may apply with it.
    const [own] = (await m.query(`SELECT uscc FROM organization WHERE id = $1`, [organizationId])) as { uscc: string | null }[];
    if (own?.uscc && own.uscc !== input.uscc) {
      problems.push({ path: 'input.uscc', message: "must be your organisation's registered USCC" });
      return problems;
    }
    if ((await m.query(`SELECT 1 FROM organization WHERE uscc = $1 AND id <> $2`, [input.uscc, organizationId])).length) {
      problems.push({ path: 'input.uscc', message: 'is registered to another organisation' });
      return problems;
    }
    const district = await this.reference.divisionProblem(m, input.districtCode, 'input.districtCode');
    if (district) problems.push(district);
    const uscc = await this.allowlist.usccProblem(m, input.uscc);
    if (uscc) problems.push({ path: 'input.uscc', message: uscc });
    else {
      // A live record (applied or admitted) holds its code against everyone. A rejected or removed one keeps it
      // against other claimants, but never against the organisation the regulator registered the code to: a
      // squatter's refused application cannot lock the rightful company out.
      const registeredOwner = own?.uscc === input.uscc;
      const taken: { id: string; status: InclusionStatus }[] = await m.query(`SELECT id, status FROM enterprise WHERE uscc = $1`, [input.uscc]);
      if (taken.some((t) => t.id !== selfId && (USCC_HOLDING_STATUSES.includes(t.status) || !registeredOwner))) {
        problems.push({ path: 'input.uscc', message: 'another enterprise is registered with this USCC' });
      }
    }
    return problems;
  }
}

