import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import type { RequestContext } from '../auth/actor.js';
import { AccessPolicy } from '../auth/access-policy.js';
import { AuditService } from '../audit/audit.service.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.tokens.js';
import { todayIn } from '../common/clock.js';
import { Dec } from '../common/decimal.js';
import { AppError, ErrorCode } from '../common/errors.js';
import { IdempotencyService } from '../common/idempotency/idempotency.service.js';
import { newId } from '../common/ids.js';
import { lockKeys } from '../common/locks.js';
import { paginate, type Connection, type PageArgs } from '../common/pagination.js';
import { groupBy, loaderFor } from '../common/request-cache.js';
import { EnterpriseEntity } from '../enterprises/enterprise.entity.js';
import { ProjectEntity } from '../projects/project.entity.js';
import { TaxonomyCategoryEntity } from '../reference/reference.entities.js';
import { whereTaxonomyLevel1 } from '../reference/taxonomy-filter.js';
import type { GreenLoanFilter, GreenLoanInput } from './dto/green-loan.inputs.js';
import { GreenLoanEntity, LoanEventEntity } from './green-loan.entity.js';
import { GreenLoanModel, LoanEventModel } from './green-loan.model.js';
import { disbursementProblem, repaymentProblem, statusOf, totalsAsOf, type LedgerEvent, type LoanEventKind, type LoanStatusValue } from './loan-ledger.js';
import { checkLoanRules, type LoanLookups } from './loan-rules.js';

@Injectable()
export class LoansService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly policy: AccessPolicy,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
  ) {}

  today(): string {
    return todayIn(this.config.timeZone);
  }

  /** A bank registers a green loan it granted. */
  async register(ctx: RequestContext, input: GreenLoanInput, idempotencyKey?: string | null): Promise<GreenLoanModel> {
    this.policy.assertBank(ctx.actor);
    const bankId = ctx.actor.organizationId;
    return this.dataSource.transaction((m) =>
      this.idempotency.run(m, ctx, {
        operation: 'registerGreenLoan',
        key: idempotencyKey,
        input,
        work: async () => {
          // Two registrations of one contract number wait for each other, so the second gets the precise answer.
          await lockKeys(m, `loan-contract:${bankId}:${input.contractNumber}`);
          const rules = await checkLoanRules(bankId, input, databaseLookups(m));
          if (rules.problems.length) throw AppError.badInput(rules.problems.map((p) => ({ path: `input.${p.path}`, message: p.message })));
          const now = new Date();
          const entity = m.create(GreenLoanEntity, {
            id: newId(),
            bankOrganizationId: bankId,
            contractNumber: input.contractNumber,
            borrowerEnterpriseId: input.borrowerEnterpriseId,
            borrowerOrganizationId: rules.borrowerOrganizationId!,
            projectId: input.projectId ?? null,
            principal: input.principal,
            currency: input.currency,
            interestRate: input.interestRate,
            signedOn: input.signedOn,
            maturityOn: input.maturityOn,
            taxonomyCatalogue: input.taxonomy.catalogue,
            taxonomyCode: input.taxonomy.code,
            carbonBenefit: input.carbonBenefit,
            districtCode: rules.districtCode!,
            disbursedTotal: '0.00',
            repaidTotal: '0.00',
            createdAt: now,
            updatedAt: now,
          });
          await m.insert(GreenLoanEntity, entity);
          const after = GreenLoanModel.fromEntity(await m.findOneByOrFail(GreenLoanEntity, { id: entity.id }));
          await this.audit.record(m, ctx, { action: 'greenLoan.register', entityType: 'GreenLoan', entityId: entity.id, after });
          return after;
        },
        replay: async (first) => GreenLoanModel.fromEntity(await m.findOneByOrFail(GreenLoanEntity, { id: first.id })),
      }),
    );
  }

  /**
   * Records a disbursement or a repayment. The loan's row lock serialises every event of one loan, so concurrent
   * repayments see each other and the balance can never go below zero on any date.
   */
  async recordEvent(ctx: RequestContext, loanId: string, kind: LoanEventKind, amount: string, on: string, idempotencyKey?: string | null): Promise<LoanEventModel> {
    this.policy.assertBank(ctx.actor);
    if (on > this.today()) throw AppError.field('on', `must not be in the future (today is ${this.today()} in ${this.config.timeZone})`);
    return this.dataSource.transaction((m) =>
      this.idempotency.run(m, ctx, {
        operation: kind === 'DISBURSEMENT' ? 'recordLoanDisbursement' : 'recordLoanRepayment',
        key: idempotencyKey,
        input: { loanId, amount, on },
        work: async () => {
          const loan = await m.findOne(GreenLoanEntity, { where: { id: loanId }, lock: { mode: 'pessimistic_write' } });
          // Another bank's loan is reported exactly as a missing one.
          if (!loan || loan.bankOrganizationId !== ctx.actor.organizationId) throw AppError.notFound('Green loan');
          const event = await this.applyEvent(m, loan, { kind, amount, on }, null, ctx);
          await this.audit.record(m, ctx, {
            action: kind === 'DISBURSEMENT' ? 'greenLoan.disburse' : 'greenLoan.repay',
            entityType: 'GreenLoan',
            entityId: loan.id,
            after: event,
          });
          return event;
        },
      }),
    );
  }

  /**
   * Checks one event against the loan's history and writes it with the new running totals. The caller holds the loan
   * row lock. Shared by the API and the bulk import.
   */
  async applyEvent(m: EntityManager, loan: GreenLoanEntity, event: LedgerEvent, externalRef: string | null, ctx: RequestContext): Promise<LoanEventModel> {
    const history: LedgerEvent[] = (
      await m.find(LoanEventEntity, { where: { loanId: loan.id }, select: { kind: true, amount: true, occurredOn: true } })
    ).map((e) => ({ kind: e.kind, amount: e.amount, on: e.occurredOn }));
    const problem =
      event.kind === 'DISBURSEMENT'
        ? disbursementProblem(loan, history, event.amount, event.on)
        : repaymentProblem(loan, history, event.amount, event.on);
    if (problem?.kind === 'BEFORE_SIGNING' || problem?.kind === 'AFTER_MATURITY') throw AppError.field('on', problem.message);
    if (problem) throw new AppError(ErrorCode.INSUFFICIENT_BALANCE, problem.message);
    const entity = m.create(LoanEventEntity, {
      id: newId(),
      loanId: loan.id,
      kind: event.kind,
      amount: event.amount,
      occurredOn: event.on,
      externalRef,
      recordedByUserId: ctx.actor.userId,
      recordedByApiKeyId: ctx.actor.apiKeyId,
      recordedAt: new Date(),
    });
    await m.insert(LoanEventEntity, entity);
    const totals = totalsAsOf([...history, event]);
    loan.disbursedTotal = totals.disbursed.toFixed(2);
    loan.repaidTotal = totals.repaid.toFixed(2);
    loan.updatedAt = entity.recordedAt;
    await m.update(GreenLoanEntity, { id: loan.id }, { disbursedTotal: loan.disbursedTotal, repaidTotal: loan.repaidTotal, updatedAt: loan.updatedAt });
    const saved = await m.findOneByOrFail(LoanEventEntity, { id: entity.id });
    return LoanEventModel.fromEntity(saved);
  }

  /** Batched across the request; a loan the caller may not see is reported exactly as a missing one. */
  async get(ctx: RequestContext, id: string): Promise<GreenLoanModel> {
    const loan = await loaderFor<string, GreenLoanEntity | null>(
      ctx.cache,
      'greenLoan',
      async (ids) => new Map((await this.dataSource.getRepository(GreenLoanEntity).findBy({ id: In([...ids]) })).map((l) => [l.id, l])),
      null,
    ).load(id);
    if (!loan || !this.policy.canSeeLoan(ctx.actor, loan)) throw AppError.notFound('Green loan');
    return GreenLoanModel.fromEntity(loan);
  }

  async list(ctx: RequestContext, filter: GreenLoanFilter | undefined, page: PageArgs): Promise<Connection<GreenLoanModel>> {
    const qb = this.dataSource.getRepository(GreenLoanEntity).createQueryBuilder('l');
    const scope = this.policy.loanScope(ctx.actor);
    if (scope.kind === 'NONE') qb.andWhere('false');
    if (scope.kind === 'BANK') qb.andWhere('l.bank_organization_id = :scopeOrg', { scopeOrg: scope.organizationId });
    if (scope.kind === 'BORROWER') qb.andWhere('l.borrower_organization_id = :scopeOrg', { scopeOrg: scope.organizationId });
    if (filter?.bankOrganizationId) qb.andWhere('l.bank_organization_id = :bank', { bank: filter.bankOrganizationId });
    if (filter?.borrowerEnterpriseId) qb.andWhere('l.borrower_enterprise_id = :borrower', { borrower: filter.borrowerEnterpriseId });
    if (filter?.projectId) qb.andWhere('l.project_id = :project', { project: filter.projectId });
    if (filter?.districtCode) qb.andWhere('l.district_code = :district', { district: filter.districtCode });
    if (filter?.contractNumber) qb.andWhere('l.contract_number = :contract', { contract: filter.contractNumber });
    if (filter?.signedFrom) qb.andWhere('l.signed_on >= :signedFrom', { signedFrom: filter.signedFrom });
    if (filter?.signedTo) qb.andWhere('l.signed_on <= :signedTo', { signedTo: filter.signedTo });
    if (filter?.taxonomyLevel1) whereTaxonomyLevel1(qb, filter.taxonomyLevel1);
    if (filter?.status?.length) {
      // Events are never future-dated, so the running totals are today's, and the status is theirs.
      qb.andWhere(
        `(CASE WHEN l.disbursed_total = 0 THEN 'SIGNED' WHEN l.disbursed_total = l.repaid_total THEN 'REPAID'
               WHEN l.maturity_on < :today THEN 'MATURED' ELSE 'DRAWN' END) IN (:...statuses)`,
        { today: this.today(), statuses: filter.status },
      );
    }
    return paginate(qb, page, GreenLoanModel.fromEntity);
  }

  /** A loan's events in date order, batched across the loans of one request. */
  async events(ctx: RequestContext, loanId: string): Promise<LoanEventModel[]> {
    const rows = await this.eventLoader(ctx).load(loanId);
    return rows.map(LoanEventModel.fromEntity);
  }

  async outstandingBalance(ctx: RequestContext, loan: GreenLoanModel, asOf?: string | null): Promise<string> {
    if (!asOf || asOf >= this.today()) return new Dec(loan.disbursedTotal).minus(loan.repaidTotal).toFixed(2);
    const events = await this.eventLoader(ctx).load(loan.id);
    return totalsAsOf(events.map(toLedger), asOf).outstanding.toFixed(2);
  }

  async status(ctx: RequestContext, loan: GreenLoanModel, asOf?: string | null): Promise<LoanStatusValue> {
    const date = asOf ?? this.today();
    const totals =
      date >= this.today()
        ? { disbursed: new Dec(loan.disbursedTotal), outstanding: new Dec(loan.disbursedTotal).minus(loan.repaidTotal) }
        : totalsAsOf((await this.eventLoader(ctx).load(loan.id)).map(toLedger), date);
    return statusOf(totals, loan.maturityOn, date);
  }

  private eventLoader(ctx: RequestContext) {
    return loaderFor<string, LoanEventEntity[]>(
      ctx.cache,
      'loanEvents',
      async (ids) => {
        const rows = await this.dataSource.getRepository(LoanEventEntity).find({ where: { loanId: In([...ids]) }, order: { occurredOn: 'ASC', id: 'ASC' } });
        return groupBy(rows, (r) => r.loanId);
      },
      [],
    );
  }
}

function toLedger(e: LoanEventEntity): LedgerEvent {
  return { kind: e.kind, amount: e.amount, on: e.occurredOn };
}

/** The loan rules' lookups, read through the caller's transaction (share-locking what the loan will point at). */
export function databaseLookups(m: EntityManager): LoanLookups {
  return {
    enterprise: async (id) => {
      const e = await m.findOne(EnterpriseEntity, { where: { id }, lock: { mode: 'pessimistic_read' } });
      return e && { id: e.id, organizationId: e.organizationId, status: e.status, districtCode: e.districtCode };
    },
    project: async (id) => {
      const p = await m.findOne(ProjectEntity, { where: { id }, lock: { mode: 'pessimistic_read' } });
      return p && { id: p.id, enterpriseId: p.enterpriseId, status: p.status, districtCode: p.districtCode };
    },
    taxonomyExists: async (catalogue, code) => (await m.countBy(TaxonomyCategoryEntity, { catalogue, code })) > 0,
    contractTaken: async (bank, contractNumber) => (await m.countBy(GreenLoanEntity, { bankOrganizationId: bank, contractNumber })) > 0,
  };
}
