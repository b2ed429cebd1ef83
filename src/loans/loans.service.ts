import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import type { RequestContext } from '../common/actor.js';
import { AccessPolicy } from '../access/access-policy.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.tokens.js';
import { todayIn } from '../common/clock.js';
import { Dec } from '../common/decimal.js';
import { AppError, ErrorCode } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { lockKeys } from '../common/locks.js';
import { lockAdmittedEnterprise, lockAdmittedProject } from '../inclusion/admission.js';
import { InclusionStatus } from '../inclusion/inclusion-status.js';
import { currentStateOf, insertRecord, MutationRunner, type RecordKind } from '../mutation/mutation.js';
import { childPageLoader, connectionOf, paginateRows, SqlWhere, type Connection, type PageArgs } from '../common/pagination.js';
import { leanColumns, leanRowsById, nestedConnection } from '../common/lean-rows.js';
import { loaderFor } from '../common/request-cache.js';
import { TaxonomyCategoryEntity } from '../reference/reference.entities.js';
import { taxonomyLevel1Sql } from '../reference/taxonomy-filter.js';
import type { GreenLoanFilter, GreenLoanInput } from './dto/green-loan.inputs.js';
import { GreenLoanEntity, LoanEventEntity } from './green-loan.entity.js';
import { GreenLoanModel, LoanEventModel } from './green-loan.model.js';
import { writeLedgerEntries } from './ledger-writer.js';
import {
  datingProblem,
  lowestBalanceFromSorted,
  movementOf,
  overBalanceProblem,
  overPrincipalProblem,
  statusOf,
  toCents,
  type LedgerEvent,
  type LoanEventKind,
  type LoanStatusValue,
} from './loan-ledger.js';
import { checkLoanRules, type LoanLookups } from './loan-rules.js';

/** `GreenLoan.events`, in date order. */
const EVENTS = {
  name: 'loanEvents',
  spec: { table: 'loan_event', parentColumn: 'loan_id', order: 'c.occurred_on, c.id' },
  entity: LoanEventEntity,
  toModel: LoanEventModel.fromEntity,
};

const GREEN_LOANS: RecordKind<GreenLoanEntity, GreenLoanModel> = { entity: GreenLoanEntity, entityType: 'GreenLoan', toModel: GreenLoanModel.fromEntity };

@Injectable()
export class LoansService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly policy: AccessPolicy,
    private readonly mutations: MutationRunner,
  ) {}

  today(): string {
    return todayIn(this.config.timeZone);
  }

  /** A bank registers a green loan it granted. */
  async register(ctx: RequestContext, input: GreenLoanInput, idempotencyKey?: string | null): Promise<GreenLoanModel> {
    this.policy.assertBank(ctx.actor);
    const bankId = ctx.actor.organizationId;
    return this.mutations.run(ctx, {
      operation: 'registerGreenLoan',
      idempotencyKey,
      input,
      work: async (m) => {
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
        return insertRecord(m, GREEN_LOANS, entity, 'greenLoan.register');
      },
      replay: currentStateOf(GREEN_LOANS),
    });
  }

  /**
   * Records a disbursement or a repayment. The loan's row lock serialises every event of one loan, so concurrent
   * repayments see each other and the balance can never go below zero on any date.
   */
  async recordEvent(ctx: RequestContext, loanId: string, kind: LoanEventKind, amount: string, on: string, idempotencyKey?: string | null): Promise<LoanEventModel> {
    this.policy.assertBank(ctx.actor);
    if (on > this.today()) throw AppError.field('on', `must not be in the future (today is ${this.today()} in ${this.config.timeZone})`);
    return this.mutations.run(ctx, {
      operation: kind === 'DISBURSEMENT' ? 'recordLoanDisbursement' : 'recordLoanRepayment',
      idempotencyKey,
      input: { loanId, amount, on },
      work: async (m) => {
        const loan = await m.findOne(GreenLoanEntity, { where: { id: loanId }, lock: { mode: 'pessimistic_write' } });
        // Another bank's loan is reported exactly as a missing one.
        if (!loan || loan.bankOrganizationId !== ctx.actor.organizationId) throw AppError.notFound('Green loan');
        const event = await this.applyEvent(m, loan, { kind, amount, on }, null, ctx);
        return {
          result: event,
          audit: { action: kind === 'DISBURSEMENT' ? 'greenLoan.disburse' : 'greenLoan.repay', entityType: 'GreenLoan', entityId: loan.id, after: event },
        };
      },
    });
  }

  /**
   * Checks one event against the loan and writes it with the new running totals. The caller holds the loan row lock.
   * Reads no more history than the check needs: a disbursement only the loan's drawn total; a repayment today's
   * balance and the events dated after it (none unless back-dated), since events are never future-dated and the
   * balance on a later day is today's less what happened after that day.
   */
  async applyEvent(m: EntityManager, loan: GreenLoanEntity, event: LedgerEvent, externalRef: string | null, ctx: RequestContext): Promise<LoanEventModel> {
    let problem = datingProblem(loan, event.kind, event.on);
    if (!problem && event.kind === 'DISBURSEMENT') problem = overPrincipalProblem(loan.principal, toCents(loan.disbursedTotal), event.amount);
    if (!problem && event.kind === 'REPAYMENT') {
      const later: LedgerEvent[] = await m.query(
        `SELECT kind, amount::text AS amount, occurred_on::text AS "on" FROM loan_event WHERE loan_id = $1 AND occurred_on > $2 ORDER BY occurred_on`,
        [loan.id, event.on],
      );
      const current = toCents(loan.disbursedTotal) - toCents(loan.repaidTotal);
      problem = overBalanceProblem(lowestBalanceFromSorted(current, later.map(movementOf), event.on), event.amount, event.on);
    }
    if (problem?.kind === 'BEFORE_SIGNING' || problem?.kind === 'AFTER_MATURITY') throw AppError.field('on', problem.message);
    if (problem) throw new AppError(ErrorCode.INSUFFICIENT_BALANCE, problem.message);
    const recorder = { userId: ctx.actor.userId, apiKeyId: ctx.actor.apiKeyId, at: new Date() };
    const written = await writeLedgerEntries(m, [{ loanId: loan.id, ...event, externalRef }], recorder);
    const totals = written.totals.get(loan.id)!;
    loan.disbursedTotal = totals.disbursedTotal;
    loan.repaidTotal = totals.repaidTotal;
    loan.updatedAt = totals.updatedAt;
    return LoanEventModel.fromEntity(await m.findOneByOrFail(LoanEventEntity, { id: written.ids[0] }));
  }

  /** Batched across the request; a loan the caller may not see is reported exactly as a missing one. */
  async get(ctx: RequestContext, id: string): Promise<GreenLoanModel> {
    const loan = await this.loanLoader(ctx).load(id);
    if (!loan || !this.policy.loanScope(ctx.actor).allows(loan)) throw AppError.notFound('Green loan');
    return GreenLoanModel.fromEntity(loan);
  }

  /** `Enterprise.loans`: a page of the loans to one enterprise that the caller may see, batched across enterprises. */
  ofBorrower(ctx: RequestContext, enterpriseId: string, page: PageArgs): Promise<Connection<GreenLoanModel>> {
    const scope = this.policy.loanScope(ctx.actor);
    const spec = { table: 'green_loan', parentColumn: 'borrower_enterprise_id', order: 'c.id DESC', where: (params: unknown[]) => scope.positional('c', params) };
    return nestedConnection(ctx.cache, this.dataSource, { name: 'loansOfBorrower', spec, entity: GreenLoanEntity, toModel: GreenLoanModel.fromEntity }, enterpriseId, page);
  }


  private loanLoader(ctx: RequestContext) {
    return loaderFor<string, GreenLoanEntity | null>(
      ctx.cache,
      'greenLoan',
      (ids) => leanRowsById<GreenLoanEntity>(this.dataSource, GreenLoanEntity, ids),
      null,
    );
  }

  async list(ctx: RequestContext, filter: GreenLoanFilter | undefined, page: PageArgs): Promise<Connection<GreenLoanModel>> {
    // The hottest read of the registry: raw SQL, lean rows (see paginateRows).
    const w = new SqlWhere();
    w.and(this.policy.loanScope(ctx.actor).sql('l', w.bind as (v: readonly string[]) => string));
    if (filter?.bankOrganizationId) w.and(`l.bank_organization_id = ${w.bind(filter.bankOrganizationId)}`);
    if (filter?.borrowerEnterpriseId) w.and(`l.borrower_enterprise_id = ${w.bind(filter.borrowerEnterpriseId)}`);
    if (filter?.projectId) w.and(`l.project_id = ${w.bind(filter.projectId)}`);
    if (filter?.districtCode) w.and(`l.district_code = ${w.bind(filter.districtCode)}`);
    if (filter?.contractNumber) w.and(`l.contract_number = ${w.bind(filter.contractNumber)}`);
    if (filter?.signedFrom) w.and(`l.signed_on >= ${w.bind(filter.signedFrom)}`);
    if (filter?.signedTo) w.and(`l.signed_on <= ${w.bind(filter.signedTo)}`);
    if (filter?.taxonomyLevel1) w.and(taxonomyLevel1Sql('l', w.bind(filter.taxonomyLevel1.catalogue), w.bind(filter.taxonomyLevel1.code)));
    if (filter?.status?.length) {
      // Events are never future-dated, so the running totals are today's, and the status is theirs.
      w.and(
        `(CASE WHEN l.disbursed_total = 0 THEN 'SIGNED' WHEN l.disbursed_total = l.repaid_total THEN 'REPAID'
               WHEN l.maturity_on < ${w.bind(this.today())} THEN 'MATURED' ELSE 'DRAWN' END) = ANY(${w.bind(filter.status)})`,
      );
    }
    const from = { table: 'green_loan', alias: 'l', columns: leanColumns(this.dataSource, GreenLoanEntity, 'l') };
    return paginateRows(this.query, from, w, page, GreenLoanModel.fromEntity);
  }

  private readonly query = (sql: string, params: unknown[]) => this.dataSource.query(sql, params);

  /** A page of a loan's events in date order, batched across the loans of one request. */
  events(ctx: RequestContext, loanId: string, page: PageArgs): Promise<Connection<LoanEventModel>> {
    return nestedConnection(ctx.cache, this.dataSource, EVENTS, loanId, page);
  }


  async outstandingBalance(ctx: RequestContext, loan: GreenLoanModel, asOf?: string | null): Promise<string> {
    if (!asOf || asOf >= this.today()) return new Dec(loan.disbursedTotal).minus(loan.repaidTotal).toFixed(2);
    return (await this.totalsOn(ctx, loan.id, asOf)).outstanding.toFixed(2);
  }

  async status(ctx: RequestContext, loan: GreenLoanModel, asOf?: string | null): Promise<LoanStatusValue> {
    const date = asOf ?? this.today();
    const totals =
      date >= this.today()
        ? { disbursed: new Dec(loan.disbursedTotal), outstanding: new Dec(loan.disbursedTotal).minus(loan.repaidTotal) }
        : await this.totalsOn(ctx, loan.id, date);
    return statusOf(totals, loan.maturityOn, date);
  }

  /**
   * A loan's totals on a past date, summed by PostgreSQL (exact numerics) over the events up to that date: one
   * statement for all the loans of a request asked about the same date.
   */
  private async totalsOn(ctx: RequestContext, loanId: string, on: string): Promise<{ disbursed: Dec; repaid: Dec; outstanding: Dec }> {
    const loader = loaderFor<string, { disbursed: string; repaid: string } | null>(
      ctx.cache,
      `loanTotalsOn:${on}`,
      async (ids) => {
        const rows: { loan_id: string; disbursed: string; repaid: string }[] = await this.dataSource.query(
          `SELECT loan_id,
                  coalesce(sum(amount) FILTER (WHERE kind = 'DISBURSEMENT'), 0)::text AS disbursed,
                  coalesce(sum(amount) FILTER (WHERE kind = 'REPAYMENT'), 0)::text AS repaid
             FROM loan_event WHERE loan_id = ANY($1::uuid[]) AND occurred_on <= $2 GROUP BY loan_id`,
          [ids, on],
        );
        return new Map(rows.map((r) => [r.loan_id, { disbursed: r.disbursed, repaid: r.repaid }]));
      },
      null,
    );
    const sums = (await loader.load(loanId)) ?? { disbursed: '0', repaid: '0' };
    const disbursed = new Dec(sums.disbursed);
    const repaid = new Dec(sums.repaid);
    return { disbursed, repaid, outstanding: disbursed.minus(repaid) };
  }
}


/** The loan rules' lookups, read through the caller's transaction (share-locking what the loan will point at). */
export function databaseLookups(m: EntityManager): LoanLookups {
  return {
    enterprise: async (id) => {
      const e = await lockAdmittedEnterprise(m, id);
      return e && { ...e, status: InclusionStatus.ADMITTED };
    },
    project: async (id) => {
      const p = await lockAdmittedProject(m, id);
      return p && { ...p, status: InclusionStatus.ADMITTED };
    },
    taxonomyExists: async (catalogue, code) => (await m.countBy(TaxonomyCategoryEntity, { catalogue, code })) > 0,
    contractTaken: async (bank, contractNumber) => (await m.countBy(GreenLoanEntity, { bankOrganizationId: bank, contractNumber })) > 0,
  };
}
