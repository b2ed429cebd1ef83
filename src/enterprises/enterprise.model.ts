import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { DateTimeScalar } from '../common/date.js';
import { DecimalScalar } from '../common/decimal.js';
import { ConnectionType } from '../common/pagination.js';
import { InclusionStatus } from '../inclusion/inclusion-status.js';
import type { EnterpriseEntity } from './enterprise.entity.js';
import { EnvironmentalCreditRating, GreenGrade, scoreEnterprise } from './green-scorecard.js';

@ObjectType('ScorecardLine')
export class ScorecardLineModel {
  @Field() indicator: string;
  @Field(() => Int) points: number;
  @Field(() => Int) maxPoints: number;
  @Field() note: string;
}

@ObjectType('GreenScorecard', { description: 'How the advisory green grade was computed from the entered indicators.' })
export class GreenScorecardModel {
  @Field(() => Int) score: number;
  @Field(() => GreenGrade) grade: GreenGrade;
  @Field({ description: 'Green revenue of at least 50 %, the rating agencies\' test of a green entity.' }) greenByRevenue: boolean;
  @Field({ description: 'Marine enterprises are reviewed on the fast track.' }) fastTrack: boolean;
  @Field(() => [ScorecardLineModel]) lines: ScorecardLineModel[];
}

@ObjectType('Enterprise')
export class EnterpriseModel {
  @Field(() => ID) id: string;
  @Field(() => ID) organizationId: string;
  @Field({ description: 'Registered name, as on the business licence (usually Chinese).' }) name: string;
  @Field(() => String, { nullable: true }) nameEn: string | null;
  @Field({ description: 'Unified Social Credit Code (统一社会信用代码).' }) uscc: string;
  @Field() districtCode: string;
  @Field() industry: string;
  @Field(() => DecimalScalar, { description: 'Share of revenue from green business, 0 to 1.' }) greenRevenueShare: string;
  @Field(() => EnvironmentalCreditRating) environmentalCreditRating: EnvironmentalCreditRating;
  @Field() marine: boolean;
  @Field(() => String, { nullable: true }) description: string | null;
  @Field(() => InclusionStatus) status: InclusionStatus;
  @Field(() => GreenGrade, { description: 'Advisory grade from the scorecard.' }) greenGrade: GreenGrade;
  @Field(() => Int) greenScore: number;
  /** Computed when read (lists rarely ask for it), and kept in JSON (audit rows) through `toJSON`. */
  @Field(() => GreenScorecardModel)
  get scorecard(): GreenScorecardModel {
    return scoreEnterprise(this);
  }
  @Field(() => DateTimeScalar) submittedAt: Date;
  @Field(() => DateTimeScalar, { nullable: true }) decidedAt: Date | null;
  @Field(() => DateTimeScalar) createdAt: Date;
  @Field(() => DateTimeScalar) updatedAt: Date;

  toJSON(): object {
    return { ...this, scorecard: this.scorecard };
  }

  static fromEntity(e: EnterpriseEntity): EnterpriseModel {
    return Object.assign(new EnterpriseModel(), {
      id: e.id,
      organizationId: e.organizationId,
      name: e.name,
      nameEn: e.nameEn,
      uscc: e.uscc,
      districtCode: e.districtCode,
      industry: e.industry,
      greenRevenueShare: e.greenRevenueShare,
      environmentalCreditRating: e.environmentalCreditRating,
      marine: e.marine,
      description: e.description,
      status: e.status,
      greenGrade: e.greenGrade,
      greenScore: e.greenScore,
      submittedAt: e.submittedAt,
      decidedAt: e.decidedAt,
      createdAt: e.createdAt,
      updatedAt: e.updatedAt,
    });
  }
}

@ObjectType()
export class EnterpriseConnection extends ConnectionType(EnterpriseModel, 'Enterprise') {}
