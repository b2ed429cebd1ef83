import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import type { RequestContext } from '../common/actor.js';
import { AccessPolicy } from '../access/access-policy.js';
import { isIsoDate } from '../common/date.js';
import { AppError, ErrorCode, type FieldError } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { paginate, type Connection, type PageArgs } from '../common/pagination.js';
import { nestedConnection } from '../common/lean-rows.js';
import { loaderFor } from '../common/request-cache.js';
import { lockAdmittedEnterprise } from '../inclusion/admission.js';
import { insertRecord, MutationRunner, type RecordKind } from '../mutation/mutation.js';
import { escapeLike } from '../common/text.js';
import { EnterpriseEntity } from '../enterprises/enterprise.entity.js';
import { InclusionService, type LibrarySubject } from '../inclusion/inclusion.service.js';
import { InclusionAction, nextStatus, type ReviewDecision } from '../inclusion/inclusion-status.js';
import { ReferenceService } from '../reference/reference.service.js';
import { whereTaxonomyLevel1 } from '../reference/taxonomy-filter.js';
import type { ProjectFilter, ProjectInput } from './dto/project.inputs.js';
import { ProjectEntity } from './project.entity.js';
import { ProjectModel } from './project.model.js';

const PROJECTS: LibrarySubject<ProjectEntity, ProjectModel> = { type: 'PROJECT', entity: ProjectEntity, name: 'Project', toModel: ProjectModel.fromEntity };
const PROJECT_RECORDS: RecordKind<ProjectEntity, ProjectModel> = { entity: ProjectEntity, entityType: 'Project', toModel: ProjectModel.fromEntity };

@Injectable()
export class ProjectsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly policy: AccessPolicy,
    private readonly mutations: MutationRunner,
    private readonly inclusion: InclusionService,
    private readonly reference: ReferenceService,
  ) {}

  /** An admitted enterprise submits a project for the project library. */
  async submit(ctx: RequestContext, input: ProjectInput): Promise<ProjectModel> {
    return this.mutations.run(ctx, {
      operation: 'submitProject',
      work: async (m) => {
        const enterprise = await this.submittingEnterprise(m, ctx, input.enterpriseId);
        await this.assertValid(m, input);
        const id = newId();
        const status = await this.inclusion.step(m, ctx, { type: 'PROJECT', id, from: null }, InclusionAction.SUBMIT, null, input);
        const now = new Date();
        const row = m.create(ProjectEntity, {
          ...this.columns(input),
          id,
          enterpriseId: enterprise.id,
          organizationId: enterprise.organizationId,
          status,
          submittedAt: now,
          decidedAt: null,
          createdAt: now,
          updatedAt: now,
        });
        return insertRecord(m, PROJECT_RECORDS, row, 'project.submit');
      },
    });
  }

  /** After a rejection, the enterprise corrects and resubmits the same project (its history is kept). */
  async resubmit(ctx: RequestContext, id: string, input: ProjectInput): Promise<ProjectModel> {
    return this.mutations.run(ctx, {
      operation: 'resubmitProject',
      work: async (m) => {
        const project = await m.findOne(ProjectEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
        if (!project || !this.visible(ctx, project)) throw AppError.notFound('Project');
        const enterprise = await this.submittingEnterprise(m, ctx, project.enterpriseId);
        if (input.enterpriseId && input.enterpriseId !== enterprise.id) throw AppError.field('input.enterpriseId', 'a project cannot move to another enterprise');
        nextStatus(project.status, InclusionAction.RESUBMIT);
        await this.assertValid(m, input);
        const before = ProjectModel.fromEntity(project);
        const status = await this.inclusion.step(m, ctx, { type: 'PROJECT', id, from: project.status }, InclusionAction.RESUBMIT, null, input);
        const now = new Date();
        await m.update(ProjectEntity, { id }, { ...this.columns(input), status, submittedAt: now, decidedAt: null, updatedAt: now });
        const after = ProjectModel.fromEntity(await m.findOneByOrFail(ProjectEntity, { id }));
        return { result: after, audit: { action: 'project.resubmit', entityType: 'Project', entityId: id, before, after } };
      },
    });
  }

  /** Admitting needs the project's enterprise still in the library (share-locked, so it is not removed meanwhile). */
  review(ctx: RequestContext, id: string, decision: ReviewDecision, comment: string): Promise<ProjectModel> {
    return this.inclusion.review(ctx, PROJECTS, id, decision, comment, async (m, project, action) => {
      if (action !== InclusionAction.ADMIT) return;
      if (!(await lockAdmittedEnterprise(m, project.enterpriseId))) {
        const [enterprise] = (await m.query(`SELECT status FROM enterprise WHERE id = $1`, [project.enterpriseId])) as { status: string }[];
        throw new AppError(ErrorCode.INVALID_STATE_TRANSITION, `Cannot admit a project of an enterprise that is ${enterprise?.status ?? 'missing'}`);
      }
    });
  }

  remove(ctx: RequestContext, id: string, reason: string): Promise<ProjectModel> {
    return this.inclusion.remove(ctx, PROJECTS, id, reason);
  }

  /** Batched across the request; hidden exactly like a missing record. */
  async get(ctx: RequestContext, id: string): Promise<ProjectModel> {
    const project = await this.entityLoader(ctx).load(id);
    if (!project || !this.visible(ctx, project)) throw AppError.notFound('Project');
    return ProjectModel.fromEntity(project);
  }

  /** A page of an enterprise's projects the caller may see, newest first; batched across the enterprises of a request. */
  ofEnterprise(ctx: RequestContext, enterpriseId: string, page: PageArgs): Promise<Connection<ProjectModel>> {
    const scope = this.policy.libraryScope(ctx.actor);
    const spec = { table: 'project', parentColumn: 'enterprise_id', order: 'c.id DESC', where: (params: unknown[]) => scope.positional('c', params) };
    return nestedConnection(ctx.cache, this.dataSource, { name: 'projectsOfEnterprise', spec, entity: ProjectEntity, toModel: ProjectModel.fromEntity }, enterpriseId, page);
  }


  private entityLoader(ctx: RequestContext) {
    return loaderFor<string, ProjectEntity | null>(
      ctx.cache,
      'project',
      async (ids) => new Map((await this.dataSource.getRepository(ProjectEntity).findBy({ id: In([...ids]) })).map((p) => [p.id, p])),
      null,
    );
  }

  async list(ctx: RequestContext, filter: ProjectFilter | undefined, page: PageArgs): Promise<Connection<ProjectModel>> {
    const qb = this.dataSource.getRepository(ProjectEntity).createQueryBuilder('p');
    this.policy.libraryScope(ctx.actor).applyTo(qb, 'p');
    if (filter?.status?.length) qb.andWhere('p.status IN (:...status)', { status: filter.status });
    if (filter?.districtCode) qb.andWhere('p.district_code = :district', { district: filter.districtCode });
    if (filter?.realm) qb.andWhere('p.realm = :realm', { realm: filter.realm });
    if (filter?.enterpriseId) qb.andWhere('p.enterprise_id = :enterpriseId', { enterpriseId: filter.enterpriseId });
    if (filter?.search) qb.andWhere('p.name ILIKE :contains', { contains: `%${escapeLike(filter.search)}%` });
    if (filter?.taxonomyLevel1) whereTaxonomyLevel1(qb, filter.taxonomyLevel1);
    return paginate(qb, page, ProjectModel.fromEntity);
  }

  private visible(ctx: RequestContext, p: ProjectEntity): boolean {
    return this.policy.libraryScope(ctx.actor).allows(p);
  }

  /** The caller's own enterprise, which must be admitted to submit projects. */
  private async submittingEnterprise(m: EntityManager, ctx: RequestContext, enterpriseId: string | undefined): Promise<EnterpriseEntity> {
    this.policy.assertActsForOwnEnterprise(ctx.actor, ctx.actor.organizationId);
    const enterprise = await m.findOne(EnterpriseEntity, {
      where: enterpriseId ? { id: enterpriseId } : { organizationId: ctx.actor.organizationId },
    });
    if (!enterprise || enterprise.organizationId !== ctx.actor.organizationId) {
      if (enterpriseId) throw AppError.notFound('Enterprise');
      throw AppError.forbidden('Your organisation has no enterprise in the library; apply for inclusion first');
    }
    // Share-locked: the regulator cannot remove the enterprise while its project is being submitted.
    if (!(await lockAdmittedEnterprise(m, enterprise.id))) {
      const [now] = (await m.query(`SELECT status FROM enterprise WHERE id = $1`, [enterprise.id])) as { status: string }[];
      throw AppError.forbidden(`Only an admitted enterprise may submit projects; yours is ${now?.status ?? enterprise.status}`);
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
