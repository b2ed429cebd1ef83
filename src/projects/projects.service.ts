import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import type { RequestContext } from '../auth/actor.js';
import { AccessPolicy } from '../auth/access-policy.js';
import { AuditService } from '../audit/audit.service.js';
import { isIsoDate } from '../common/date.js';
import { AppError, ErrorCode, type FieldError } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { paginate, type Connection, type PageArgs } from '../common/pagination.js';
import { groupBy, loaderFor } from '../common/request-cache.js';
import { escapeLike } from '../common/text.js';
import { EnterpriseEntity } from '../enterprises/enterprise.entity.js';
import { InclusionService, type LibrarySubject } from '../inclusion/inclusion.service.js';
import { InclusionAction, InclusionStatus, nextStatus, type ReviewDecision } from '../inclusion/inclusion-status.js';
import { ReferenceService } from '../reference/reference.service.js';
import { whereTaxonomyLevel1 } from '../reference/taxonomy-filter.js';
import type { ProjectFilter, ProjectInput } from './dto/project.inputs.js';
import { ProjectEntity } from './project.entity.js';
import { ProjectModel } from './project.model.js';

const PROJECTS: LibrarySubject<ProjectEntity, ProjectModel> = { type: 'PROJECT', entity: ProjectEntity, name: 'Project', toModel: ProjectModel.fromEntity };

@Injectable()
export class ProjectsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly policy: AccessPolicy,
    private readonly audit: AuditService,
    private readonly inclusion: InclusionService,
    private readonly reference: ReferenceService,
  ) {}

  /** An admitted enterprise submits a project for the project library. */
  async submit(ctx: RequestContext, input: ProjectInput): Promise<ProjectModel> {
    return this.dataSource.transaction(async (m) => {
      const enterprise = await this.submittingEnterprise(m, ctx, input.enterpriseId);
      await this.assertValid(m, input);
      const id = newId();
      const status = await this.inclusion.step(m, ctx, { type: 'PROJECT', id, from: null }, InclusionAction.SUBMIT, null, input);
      const now = new Date();
      await m.insert(ProjectEntity, { ...this.columns(input), id, enterpriseId: enterprise.id, organizationId: enterprise.organizationId, status, submittedAt: now, decidedAt: null, createdAt: now, updatedAt: now });
      const after = ProjectModel.fromEntity(await m.findOneByOrFail(ProjectEntity, { id }));
      await this.audit.record(m, ctx, { action: 'project.submit', entityType: 'Project', entityId: id, after });
      return after;
    });
  }

  /** After a rejection, the enterprise corrects and resubmits the same project (its history is kept). */
  async resubmit(ctx: RequestContext, id: string, input: ProjectInput): Promise<ProjectModel> {
    return this.dataSource.transaction(async (m) => {
      const project = await m.findOne(ProjectEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!project || !this.policy.canSeeLibraryRecord(ctx.actor, { ownerOrganizationId: project.organizationId, status: project.status })) {
        throw AppError.notFound('Project');
      }
      const enterprise = await this.submittingEnterprise(m, ctx, project.enterpriseId);
      if (input.enterpriseId && input.enterpriseId !== enterprise.id) throw AppError.field('input.enterpriseId', 'a project cannot move to another enterprise');
      nextStatus(project.status, InclusionAction.RESUBMIT);
      await this.assertValid(m, input);
      const before = ProjectModel.fromEntity(project);
      const status = await this.inclusion.step(m, ctx, { type: 'PROJECT', id, from: project.status }, InclusionAction.RESUBMIT, null, input);
      const now = new Date();
      await m.update(ProjectEntity, { id }, { ...this.columns(input), status, submittedAt: now, decidedAt: null, updatedAt: now });
      const after = ProjectModel.fromEntity(await m.findOneByOrFail(ProjectEntity, { id }));
      await this.audit.record(m, ctx, { action: 'project.resubmit', entityType: 'Project', entityId: id, before, after });
      return after;
    });
  }

  /** Admitting needs the project's enterprise still in the library (share-locked, so it is not removed meanwhile). */
  review(ctx: RequestContext, id: string, decision: ReviewDecision, comment: string): Promise<ProjectModel> {
    return this.inclusion.review(ctx, PROJECTS, id, decision, comment, async (m, project, action) => {
      if (action !== InclusionAction.ADMIT) return;
      const enterprise = await m.findOne(EnterpriseEntity, { where: { id: project.enterpriseId }, lock: { mode: 'pessimistic_read' } });
      if (enterprise?.status !== InclusionStatus.ADMITTED) {
        throw new AppError(ErrorCode.INVALID_STATE_TRANSITION, `Cannot admit a project of an enterprise that is ${enterprise?.status ?? 'missing'}`);
      }
    });
  }

  remove(ctx: RequestContext, id: string, reason: string): Promise<ProjectModel> {
    return this.inclusion.remove(ctx, PROJECTS, id, reason);
  }

  /** Batched across the request; hidden exactly like a missing record. */
  async get(ctx: RequestContext, id: string): Promise<ProjectModel> {
    const project = await loaderFor<string, ProjectEntity | null>(
      ctx.cache,
      'project',
      async (ids) => new Map((await this.dataSource.getRepository(ProjectEntity).findBy({ id: In([...ids]) })).map((p) => [p.id, p])),
      null,
    ).load(id);
    if (!project || !this.visible(ctx, project)) throw AppError.notFound('Project');
    return ProjectModel.fromEntity(project);
  }

  /** An enterprise's projects the caller may see, batched across the enterprises of one request. */
  async ofEnterprise(ctx: RequestContext, enterpriseId: string): Promise<ProjectModel[]> {
    const rows = await loaderFor<string, ProjectEntity[]>(
      ctx.cache,
      'projectsOfEnterprise',
      async (ids) => {
        const found = await this.dataSource.getRepository(ProjectEntity).find({ where: { enterpriseId: In([...ids]) }, order: { id: 'DESC' } });
        return groupBy(found, (p) => p.enterpriseId);
      },
      [],
    ).load(enterpriseId);
    return rows.filter((p) => this.visible(ctx, p)).map(ProjectModel.fromEntity);
  }

  async list(ctx: RequestContext, filter: ProjectFilter | undefined, page: PageArgs): Promise<Connection<ProjectModel>> {
    const qb = this.dataSource.getRepository(ProjectEntity).createQueryBuilder('p');
    const scope = this.policy.libraryScope(ctx.actor);
    if (scope.kind === 'OWN') qb.andWhere('p.organization_id = :scopeOrg', { scopeOrg: scope.organizationId });
    if (scope.kind === 'STATUSES') qb.andWhere('p.status IN (:...scopeStatuses)', { scopeStatuses: scope.statuses });
    if (filter?.status?.length) qb.andWhere('p.status IN (:...status)', { status: filter.status });
    if (filter?.districtCode) qb.andWhere('p.district_code = :district', { district: filter.districtCode });
    if (filter?.realm) qb.andWhere('p.realm = :realm', { realm: filter.realm });
    if (filter?.enterpriseId) qb.andWhere('p.enterprise_id = :enterpriseId', { enterpriseId: filter.enterpriseId });
    if (filter?.search) qb.andWhere('p.name ILIKE :contains', { contains: `%${escapeLike(filter.search)}%` });
    if (filter?.taxonomyLevel1) whereTaxonomyLevel1(qb, filter.taxonomyLevel1);
    return paginate(qb, page, ProjectModel.fromEntity);
  }

  private visible(ctx: RequestContext, p: ProjectEntity): boolean {
    return this.policy.canSeeLibraryRecord(ctx.actor, { ownerOrganizationId: p.organizationId, status: p.status });
  }

  /** The caller's own enterprise, which must be admitted to submit projects. */
  private async submittingEnterprise(m: EntityManager, ctx: RequestContext, enterpriseId: string | undefined): Promise<EnterpriseEntity> {
    this.policy.assertActsForOwnEnterprise(ctx.actor, ctx.actor.organizationId);
    // Share-locked: the regulator cannot remove the enterprise while its project is being submitted.
    const enterprise = await m.findOne(EnterpriseEntity, {
      where: enterpriseId ? { id: enterpriseId } : { organizationId: ctx.actor.organizationId },
      lock: { mode: 'pessimistic_read' },
    });
    if (!enterprise || enterprise.organizationId !== ctx.actor.organizationId) {
      if (enterpriseId) throw AppError.notFound('Enterprise');
      throw AppError.forbidden('Your organisation has no enterprise in the library; apply for inclusion first');
    }
    if (enterprise.status !== InclusionStatus.ADMITTED) {
      throw AppError.forbidden(`Only an admitted enterprise may submit projects; yours is ${enterprise.status}`);
    }
    return enterprise;
  }

  private async assertValid(m: EntityManager, input: ProjectInput): Promise<void> {
    const problems: FieldError[] = [];
    const district = await this.reference.divisionProblem(m, input.districtCode, 'input.districtCode');
    if (district) problems.push(district);
    const taxonomy = await this.reference.categoryProblem(m, input.taxonomy.catalogue, input.taxonomy.code, 'input.taxonomy.code');
    if (taxonomy) problems.push(taxonomy);
    if (isIsoDate(input.startDate) && isIsoDate(input.endDate) && input.endDate <= input.startDate) {
      problems.push({ path: 'input.endDate', message: 'must be after startDate' });
    }
    if (problems.length) throw AppError.badInput(problems);
  }

  private columns(input: ProjectInput) {
    return {
      name: input.name,
      taxonomyCatalogue: input.taxonomy.catalogue,
      taxonomyCode: input.taxonomy.code,
      districtCode: input.districtCode,
      realm: input.realm,
      totalInvestment: input.totalInvestment,
      expectedAnnualCo2ReductionTonnes: input.expectedAnnualCo2ReductionTonnes,
      startDate: input.startDate,
      endDate: input.endDate,
      description: input.description ?? null,
    };
  }
}
