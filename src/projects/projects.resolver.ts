import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { RequestContext } from '../common/actor.js';
import { Ctx } from '../common/context.decorators.js';
import { LeanField } from '../common/lean-fields.js';
import { PageArgs } from '../common/pagination.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { EnterpriseModel } from '../enterprises/enterprise.model.js';
import { EnterprisesService } from '../enterprises/enterprises.service.js';
import { InclusionEventModel, InclusionReviewModel } from '../inclusion/inclusion-event.model.js';
import { ReviewDecision } from '../inclusion/inclusion-status.js';
import { InclusionService } from '../inclusion/inclusion.service.js';
import { DivisionModel, TaxonomyCategoryModel } from '../reference/reference.models.js';
import { ReferenceService } from '../reference/reference.service.js';
import { ProjectFilter, ProjectInput } from './dto/project.inputs.js';
import { ProjectConnection, ProjectModel } from './project.model.js';
import { ProjectsService } from './projects.service.js';

@Resolver(() => ProjectModel)
export class ProjectsResolver {
  constructor(
    private readonly service: ProjectsService,
    private readonly enterprises: EnterprisesService,
    private readonly inclusion: InclusionService,
    private readonly reference: ReferenceService,
  ) {}

  @Mutation(() => ProjectModel, { description: 'An admitted enterprise submits a project for the project library.' })
  submitProject(@Ctx() ctx: RequestContext, @Args('input') input: ProjectInput) {
    return this.service.submit(ctx, input);
  }

  @Mutation(() => ProjectModel, { description: 'The enterprise resubmits a rejected project, corrected.' })
  resubmitProject(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }, UuidPipe) id: string, @Args('input') input: ProjectInput) {
    return this.service.resubmit(ctx, id, input);
  }

  @Mutation(() => ProjectModel, { description: 'The regulator admits or rejects a submitted project.' })
  reviewProject(
    @Ctx() ctx: RequestContext,
    @Args('id', { type: () => ID }, UuidPipe) id: string,
    @Args('decision', { type: () => ReviewDecision }) decision: ReviewDecision,
    @Args('comment') comment: string,
  ) {
    return this.service.review(ctx, id, decision, comment);
  }

  @Mutation(() => ProjectModel, { description: 'The regulator takes an admitted project out of the library.' })
  removeProject(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }, UuidPipe) id: string, @Args('reason') reason: string) {
    return this.service.remove(ctx, id, reason);
  }

  @Query(() => ProjectModel, { nullable: true })
  project(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }, UuidPipe) id: string) {
    return this.service.get(ctx, id);
  }

  @Query(() => ProjectConnection)
  projects(@Ctx() ctx: RequestContext, @Args('filter', { nullable: true }) filter: ProjectFilter, @Args() page: PageArgs) {
    return this.service.list(ctx, filter, page);
  }

  @LeanField('Project')
  @ResolveField(() => EnterpriseModel, { nullable: true, description: 'NOT_FOUND (and null) when the caller may not see it.' })
  enterprise(@Ctx() ctx: RequestContext, @Parent() p: ProjectModel) {
    return this.enterprises.get(ctx, p.enterpriseId);
  }

  @LeanField('Project')
  @ResolveField(() => DivisionModel)
  district(@Ctx() ctx: RequestContext, @Parent() p: ProjectModel) {
    return this.reference.divisionOf(ctx, p.districtCode);
  }

  @LeanField('Project')
  @ResolveField(() => TaxonomyCategoryModel)
  taxonomy(@Ctx() ctx: RequestContext, @Parent() p: ProjectModel) {
    return this.reference.categoryOf(ctx, p.taxonomyCatalogue, p.taxonomyCode);
  }

  @LeanField('Project')
  @ResolveField(() => [InclusionReviewModel], { description: "The regulator's decisions, oldest first." })
  reviews(@Ctx() ctx: RequestContext, @Parent() p: ProjectModel) {
    return this.inclusion.reviews(ctx, 'PROJECT', p);
  }

  @LeanField('Project')
  @ResolveField(() => [InclusionEventModel], { description: 'Every submission and decision, oldest first.' })
  history(@Ctx() ctx: RequestContext, @Parent() p: ProjectModel) {
    return this.inclusion.history(ctx, 'PROJECT', p);
  }
}

/** `Enterprise.projects` lives here, beside the projects it lists, so the enterprise module need not know them. */
@Resolver(() => EnterpriseModel)
export class EnterpriseProjectsResolver {
  constructor(private readonly service: ProjectsService) {}

  @LeanField('Enterprise')
  @ResolveField(() => ProjectConnection, { description: 'The projects of this enterprise the caller may see, newest first.' })
  projects(@Ctx() ctx: RequestContext, @Parent() e: EnterpriseModel, @Args() page: PageArgs) {
    return this.service.ofEnterprise(ctx, e.id, page);
  }
}
