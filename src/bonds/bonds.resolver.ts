import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { RequestContext } from '../common/actor.js';
import { IdentityService } from '../auth/identity.service.js';
import { OrganizationModel } from '../auth/models.js';
import { Ctx } from '../common/context.decorators.js';
import { LeanField } from '../common/lean-fields.js';
import { DateScalar } from '../common/date.js';
import { DecimalArg, DecimalScalar, MONEY } from '../common/decimal.js';
import { PageArgs } from '../common/pagination.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { EnterpriseModel } from '../enterprises/enterprise.model.js';
import { EnterprisesService } from '../enterprises/enterprises.service.js';
import { ProjectModel } from '../projects/project.model.js';
import { ProjectsService } from '../projects/projects.service.js';
import { BondsService } from './bonds.service.js';
import { GreenBondFilter, GreenBondInput } from './dto/green-bond.inputs.js';
import { BondAllocationConnection, BondAllocationModel, GreenBondConnection, GreenBondModel } from './green-bond.model.js';

const POSITIVE_MONEY = new DecimalArg({ ...MONEY, min: '0', exclusiveMin: true });

@Resolver(() => GreenBondModel)
export class BondsResolver {
  constructor(
    private readonly bonds: BondsService,
    private readonly identity: IdentityService,
    private readonly enterprises: EnterprisesService,
  ) {}

  @Mutation(() => GreenBondModel, { description: 'The regulator (a user) or an underwriting bank registers a green bond of an admitted issuer.' })
  registerGreenBond(
    @Ctx() ctx: RequestContext,
    @Args('input') input: GreenBondInput,
    @Args('idempotencyKey', { nullable: true }) idempotencyKey?: string,
  ) {
    return this.bonds.register(ctx, input, idempotencyKey);
  }

  @Mutation(() => BondAllocationModel, {
    description: "Allocates part of a bond's proceeds to an admitted project: the regulator (a user) or the bank that registered the bond.",
  })
  allocateBondProceeds(
    @Ctx() ctx: RequestContext,
    @Args('bondId', { type: () => ID }, UuidPipe) bondId: string,
    @Args('projectId', { type: () => ID }, UuidPipe) projectId: string,
    @Args('amount', { type: () => DecimalScalar }, POSITIVE_MONEY) amount: string,
    @Args('on', { type: () => DateScalar }) on: string,
    @Args('idempotencyKey', { nullable: true }) idempotencyKey?: string,
  ) {
    return this.bonds.allocate(ctx, bondId, projectId, amount, on, idempotencyKey);
  }

  @Query(() => GreenBondModel, { nullable: true, description: 'Green bonds are public securities: every authenticated party reads every bond.' })
  greenBond(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }, UuidPipe) id: string) {
    return this.bonds.get(ctx, id);
  }

  @Query(() => GreenBondConnection, { description: 'Green bonds are public securities: every authenticated party reads every bond.' })
  greenBonds(@Ctx() ctx: RequestContext, @Args('filter', { nullable: true }) filter: GreenBondFilter, @Args() page: PageArgs) {
    return this.bonds.list(ctx, filter, page);
  }

  @ResolveField(() => DecimalScalar, { description: 'amount − allocatedTotal.' })
  unallocated(@Parent() bond: GreenBondModel) {
    return this.bonds.unallocated(bond);
  }

  @LeanField('GreenBond')
  @ResolveField(() => BondAllocationConnection, { description: 'Allocations of the proceeds, oldest first.' })
  allocations(@Ctx() ctx: RequestContext, @Parent() bond: GreenBondModel, @Args() page: PageArgs) {
    return this.bonds.allocations(ctx, bond.id, page);
  }

  @ResolveField(() => EnterpriseModel, { nullable: true, description: 'NOT_FOUND (and null) when the caller may not see it.' })
  issuer(@Ctx() ctx: RequestContext, @Parent() bond: GreenBondModel) {
    return this.enterprises.get(ctx, bond.issuerEnterpriseId);
  }

  @ResolveField(() => OrganizationModel)
  registeredBy(@Ctx() ctx: RequestContext, @Parent() bond: GreenBondModel) {
    return this.identity.counterparty(ctx, bond.registeredByOrganizationId);
  }
}

@Resolver(() => BondAllocationModel)
export class BondAllocationsResolver {
  constructor(private readonly projects: ProjectsService) {}

  @ResolveField(() => ProjectModel, { nullable: true, description: 'NOT_FOUND (and null) when the caller may not see it.' })
  project(@Ctx() ctx: RequestContext, @Parent() a: BondAllocationModel) {
    return this.projects.get(ctx, a.projectId);
  }
}
