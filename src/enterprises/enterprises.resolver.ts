import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { RequestContext } from '../common/actor.js';
import { Ctx } from '../common/context.decorators.js';
import { LeanField } from '../common/lean-fields.js';
import { PageArgs } from '../common/pagination.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { InclusionEventModel, InclusionReviewModel } from '../inclusion/inclusion-event.model.js';
import { ReviewDecision } from '../inclusion/inclusion-status.js';
import { InclusionService } from '../inclusion/inclusion.service.js';
import { DivisionModel } from '../reference/reference.models.js';
import { ReferenceService } from '../reference/reference.service.js';
import { EnterpriseApplicationInput, EnterpriseFilter } from './dto/enterprise.inputs.js';
import { EnterpriseConnection, EnterpriseModel } from './enterprise.model.js';
import { EnterprisesService } from './enterprises.service.js';

@Resolver(() => EnterpriseModel)
export class EnterprisesResolver {
  constructor(
    private readonly service: EnterprisesService,
    private readonly inclusion: InclusionService,
    private readonly reference: ReferenceService,
  ) {}

  @Mutation(() => EnterpriseModel, { description: 'An enterprise applies (or, after a rejection, reapplies) for the enterprise library.' })
  applyForEnterpriseInclusion(@Ctx() ctx: RequestContext, @Args('input') input: EnterpriseApplicationInput) {
    return this.service.apply(ctx, input);
  }

  @Mutation(() => EnterpriseModel, { description: 'The regulator admits or rejects a submitted application.' })
  reviewEnterprise(
    @Ctx() ctx: RequestContext,
    @Args('id', { type: () => ID }, UuidPipe) id: string,
    @Args('decision', { type: () => ReviewDecision }) decision: ReviewDecision,
    @Args('comment') comment: string,
  ) {
    return this.service.review(ctx, id, decision, comment);
  }

  @Mutation(() => EnterpriseModel, { description: 'The regulator takes an admitted enterprise out of the library (退库).' })
  removeEnterprise(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }, UuidPipe) id: string, @Args('reason') reason: string) {
    return this.service.remove(ctx, id, reason);
  }

  @Query(() => EnterpriseModel, { nullable: true })
  enterprise(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }, UuidPipe) id: string) {
    return this.service.get(ctx, id);
  }

  @Query(() => EnterpriseModel, { nullable: true, description: "The caller's own enterprise (enterprise users); null before applying." })
  myEnterprise(@Ctx() ctx: RequestContext) {
    return this.service.own(ctx);
  }

  @Query(() => EnterpriseConnection)
  enterprises(@Ctx() ctx: RequestContext, @Args('filter', { nullable: true }) filter: EnterpriseFilter, @Args() page: PageArgs) {
    return this.service.list(ctx, filter, page);
  }

  @LeanField('Enterprise')
  @ResolveField(() => DivisionModel)
  district(@Ctx() ctx: RequestContext, @Parent() e: EnterpriseModel) {
    return this.reference.divisionOf(ctx, e.districtCode);
  }

  @LeanField('Enterprise')
  @ResolveField(() => [InclusionReviewModel], { description: "The regulator's decisions, oldest first." })
  reviews(@Ctx() ctx: RequestContext, @Parent() e: EnterpriseModel) {
    return this.inclusion.reviews(ctx, 'ENTERPRISE', e);
  }

  @LeanField('Enterprise')
  @ResolveField(() => [InclusionEventModel], { description: 'Every submission and decision, oldest first.' })
  history(@Ctx() ctx: RequestContext, @Parent() e: EnterpriseModel) {
    return this.inclusion.history(ctx, 'ENTERPRISE', e);
  }
}
