import { Field, ID, ObjectType } from '@nestjs/graphql';
import { DateScalar, DateTimeScalar } from '../common/date.js';
import { DecimalScalar } from '../common/decimal.js';
import { ConnectionType } from '../common/pagination.js';
import { InclusionStatus } from '../inclusion/inclusion-status.js';
import { Realm, TaxonomyCatalogue } from '../reference/reference.models.js';
import type { ProjectEntity } from './project.entity.js';

@ObjectType('Project')
export class ProjectModel {
  @Field(() => ID) id: string;
  @Field(() => ID) enterpriseId: string;
  @Field(() => ID, { description: "The enterprise's organisation." }) organizationId: string;
  @Field() name: string;
  @Field(() => TaxonomyCatalogue) taxonomyCatalogue: TaxonomyCatalogue;
  @Field() taxonomyCode: string;
  @Field() districtCode: string;
  @Field(() => Realm) realm: Realm;
  @Field(() => DecimalScalar, { description: 'Total investment, CNY.' }) totalInvestment: string;
  @Field(() => DecimalScalar, { description: 'Expected CO2 reduction, tonnes a year.' }) expectedAnnualCo2ReductionTonnes: string;
  @Field(() => DateScalar) startDate: string;
  @Field(() => DateScalar) endDate: string;
  @Field(() => String, { nullable: true }) description: string | null;
  @Field(() => InclusionStatus) status: InclusionStatus;
  @Field(() => DateTimeScalar) submittedAt: Date;
  @Field(() => DateTimeScalar, { nullable: true }) decidedAt: Date | null;
  @Field(() => DateTimeScalar) createdAt: Date;
  @Field(() => DateTimeScalar) updatedAt: Date;

  static fromEntity(p: ProjectEntity): ProjectModel {
    return Object.assign(new ProjectModel(), {
      id: p.id,
      enterpriseId: p.enterpriseId,
      organizationId: p.organizationId,
      name: p.name,
      taxonomyCatalogue: p.taxonomyCatalogue as TaxonomyCatalogue,
      taxonomyCode: p.taxonomyCode,
      districtCode: p.districtCode,
      realm: p.realm,
      totalInvestment: p.totalInvestment,
      expectedAnnualCo2ReductionTonnes: p.expectedAnnualCo2ReductionTonnes,
      startDate: p.startDate,
      endDate: p.endDate,
      description: p.description,
      status: p.status,
      submittedAt: p.submittedAt,
      decidedAt: p.decidedAt,
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
    });
  }
}

@ObjectType()
export class ProjectConnection extends ConnectionType(ProjectModel, 'Project') {}
