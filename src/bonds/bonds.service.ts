import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import type { RequestContext } from '../common/actor.js';
import { isCurrencyCode } from '../common/currency.js';
import { AppError, ErrorCode, type FieldError } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { lockKeys } from '../common/locks.js';
import { paginate, type Connection, type PageArgs } from '../common/pagination.js';
import { nestedConnection } from '../common/lean-rows.js';
import { loaderFor } from '../common/request-cache.js';
import { escapeLike } from '../common/text.js';
import { lockAdmittedEnterprise, lockAdmittedProject } from '../inclusion/admission.js';
import { currentStateOf, insertRecord, MutationRunner, type RecordKind } from '../mutation/mutation.js';
import { allocatedTotalAfter, allocationProblem, unallocatedOf } from './bond-proceeds.js';
import type { GreenBondFilter, GreenBondInput } from './dto/green-bond.inputs.js';
import { BondAllocationEntity, GreenBondEntity } from './green-bond.entity.js';
import { AccessPolicy } from '../access/access-policy.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.tokens.js';
import { todayIn } from '../common/clock.js';
import { BondAllocationModel, GreenBondModel } from './green-bond.model.js';

/** `GreenBond.allocations`, in date order. */
const ALLOCATIONS = {
  name: 'bondAllocations',
  spec: { table: 'bond_allocation', parentColumn: 'bond_id', order: 'c.allocated_on, c.id' },
  entity: BondAllocationEntity,
  toModel: BondAllocationModel.fromEntity,
};

const GREEN_BONDS: RecordKind<GreenBondEntity, GreenBondModel> = { entity: GreenBondEntity, entityType: 'GreenBond', toModel: GreenBondModel.fromEntity };

@Injectable()
export class BondsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly policy: AccessPolicy,
    private readonly mutations: MutationRunner,
  ) {}

  /** The regulator or an underwriting bank registers a green bond of an admitted issuer. */
  async register(ctx: RequestContext, input: GreenBondInput, idempotencyKey?: string | null): Promise<GreenBondModel> {
    this.policy.assertCanRegisterBond(ctx.actor);
    return this.mutations.run(ctx, {
      operation: 'registerGreenBond',
      idempotencyKey,
      input,
      work: async (m) => {
        // Two registrations of one code wait for each other, so the second gets the precise answer.
        await lockKeys(m, `bond-code:${input.code}`);
        const problems = await this.registrationProblems(m, input);
        if (problems.length) throw AppError.badInput(problems.map((p) => ({ path: `input.${p.path}`, message: p.message })));
        const now = new Date();
        const entity = m.create(GreenBondEntity, {
          id: newId(),
          code: input.code,
          name: input.name,
          issuerEnterpriseId: input.issuerEnterpriseId,
          bondType: input.bondType,
          amount: input.amount,
          currency: input.currency,
          couponRate: input.couponRate,
          issuedOn: input.issuedOn,
          maturityOn: input.maturityOn,
          externalReviewer: input.externalReviewer ?? null,
          registeredByOrganizationId: ctx.actor.organizationId,
          allocatedTotal: '0.00',
          createdAt: now,
          updatedAt: now,
        });
        return insertRecord(m, GREEN_BONDS, entity, 'greenBond.register');
      },
      replay: currentStateOf(GREEN_BONDS),
    });
  }

  /** The rules beyond the fields' shapes (which class-validator checks); paths are relative to the input. */
  private async registrationProblems(m: EntityManager, input: GreenBondInput): Promise<FieldError[]> {
    const problems: FieldError[] = [];
    if (await m.existsBy(GreenBondEntity, { code: input.code })) problems.push({ path: 'code', message: 'a bond with this code is already registered' });
    // Share-locked, so the issuer cannot leave the library before this bond commits. One answer for missing and not
    // admitted, so nothing is learnt about applications in progress.
    if (!(await lockAdmittedEnterprise(m, input.issuerEnterpriseId))) {
      problems.push({ path: 'issuerEnterpriseId', message: 'is not an admitted enterprise of the library' });
    }
    if (!isCurrencyCode(input.currency)) problems.push({ path: 'currency', message: `${input.currency} is not an ISO 4217 currency` });
    if (input.maturityOn <= input.issuedOn) problems.push({ path: 'maturityOn', message: 'must be after issuedOn' });
    return problems;
  }

  /**
   * Allocates proceeds to an admitted project. The bond's row lock serialises the allocations of one bond, so
   * concurrent ones see each other's totals and Σ allocations never exceeds the amount.
   */
  async allocate(
    ctx: RequestContext,
    bondId: string,
    projectId: string,
    amount: string,
    on: string,
    idempotencyKey?: string | null,
  ): Promise<BondAllocationModel> {
    this.policy.assertCanAllocateBondProceeds(ctx.actor);
    const today = todayIn(this.config.timeZone);
    return this.mutations.run(ctx, {
      operation: 'allocateBondProceeds',
      idempotencyKey,
      input: { bondId, projectId, amount, on },
      work: async (m) => {
        const bond = await m.findOne(GreenBondEntity, { where: { id: bondId }, lock: { mode: 'pessimistic_write' } });
        // A bond another bank registered is reported exactly as a missing one.
        if (!bond || !this.policy.canAllocateFrom(ctx.actor, bond)) throw AppError.notFound('Green bond');
        const problems: FieldError[] = [];
        const project = await lockAdmittedProject(m, projectId);
        // The project's enterprise must still be in the library (removing it leaves its projects admitted).
        if (!project || !(await lockAdmittedEnterprise(m, project.enterpriseId))) {
          problems.push({ path: 'projectId', message: 'is not an admitted project of an admitted enterprise' });
        }
        if (on < bond.issuedOn) problems.push({ path: 'on', message: `must not be before the issue date ${bond.issuedOn}` });
        else if (on > bond.maturityOn) problems.push({ path: 'on', message: `must not be after the maturity date ${bond.maturityOn}` });
        else if (on > today) problems.push({ path: 'on', message: `must not be in the future (today is ${today} in ${this.config.timeZone})` });
        if (problems.length) throw AppError.badInput(problems);
        const over = allocationProblem(bond, amount);
        if (over) throw new AppError(ErrorCode.INSUFFICIENT_BALANCE, over);
        const entity = m.create(BondAllocationEntity, {
          id: newId(),
          bondId: bond.id,
          projectId,
          amount,
          allocatedOn: on,
          recordedByUserId: ctx.actor.userId,
          recordedByApiKeyId: ctx.actor.apiKeyId,
          recordedAt: new Date(),
        });
        await m.insert(BondAllocationEntity, entity);
        await m.update(GreenBondEntity, { id: bond.id }, { allocatedTotal: allocatedTotalAfter(bond, amount), updatedAt: entity.recordedAt });
        const allocation = BondAllocationModel.fromEntity(await m.findOneByOrFail(BondAllocationEntity, { id: entity.id }));
        return { result: allocation, audit: { action: 'greenBond.allocate', entityType: 'GreenBond', entityId: bond.id, after: allocation } };
      },
    });
  }

  /** Batched across the request. Every authenticated party may read every bond: they are publicly issued securities. */
  async get(ctx: RequestContext, id: string): Promise<GreenBondModel> {
    const bond = await loaderFor<string, GreenBondEntity | null>(
      ctx.cache,
      'greenBond',
      async (ids) => new Map((await this.dataSource.getRepository(GreenBondEntity).findBy({ id: In([...ids]) })).map((b) => [b.id, b])),
      null,
    ).load(id);
    if (!bond) throw AppError.notFound('Green bond');
    return GreenBondModel.fromEntity(bond);
  }

  /** All bonds, with no visibility scope: green bonds are publicly issued securities, open to every authenticated party. */
  async list(_ctx: RequestContext, filter: GreenBondFilter | undefined, page: PageArgs): Promise<Connection<GreenBondModel>> {
    const qb = this.dataSource.getRepository(GreenBondEntity).createQueryBuilder('b');
    if (filter?.issuerEnterpriseId) qb.andWhere('b.issuer_enterprise_id = :issuer', { issuer: filter.issuerEnterpriseId });
    if (filter?.registeredByOrganizationId) qb.andWhere('b.registered_by_organization_id = :registrar', { registrar: filter.registeredByOrganizationId });
    if (filter?.bondType) qb.andWhere('b.bond_type = :bondType', { bondType: filter.bondType });
    if (filter?.issuedFrom) qb.andWhere('b.issued_on >= :issuedFrom', { issuedFrom: filter.issuedFrom });
    if (filter?.issuedTo) qb.andWhere('b.issued_on <= :issuedTo', { issuedTo: filter.issuedTo });
    if (filter?.search) {
      qb.andWhere('(b.code ILIKE :prefix OR b.name ILIKE :contains)', {
        prefix: `${escapeLike(filter.search)}%`,
        contains: `%${escapeLike(filter.search)}%`,
      });
    }
    return paginate(qb, page, GreenBondModel.fromEntity);
  }

  unallocated(bond: GreenBondModel): string {
    return unallocatedOf(bond).toFixed(2);
  }

  /** A page of a bond's allocations, oldest first, batched across the bonds of one request. */
  allocations(ctx: RequestContext, bondId: string, page: PageArgs): Promise<Connection<BondAllocationModel>> {
    return nestedConnection(ctx.cache, this.dataSource, ALLOCATIONS, bondId, page);
  }


}
