import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { InclusionStatus } from '../inclusion/inclusion-status.js';
import type { EnvironmentalCreditRating, GreenGrade } from './green-scorecard.js';

@Entity({ name: 'enterprise' })
export class EnterpriseEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'organization_id' }) organizationId: string;
  @Column('text') name: string;
  @Column('text', { name: 'name_en', nullable: true }) nameEn: string | null;
  @Column('varchar', { length: 18 }) uscc: string;
  @Column('varchar', { name: 'district_code', length: 6 }) districtCode: string;
  @Column('text') industry: string;
  @Column('numeric', { name: 'green_revenue_share', precision: 9, scale: 6 }) greenRevenueShare: string;
  @Column('text', { name: 'environmental_credit_rating' }) environmentalCreditRating: EnvironmentalCreditRating;
  @Column('boolean') marine: boolean;
  @Column('text', { nullable: true }) description: string | null;
  @Column('text') status: InclusionStatus;
  @Column('smallint', { name: 'green_score' }) greenScore: number;
  @Column('char', { name: 'green_grade', length: 1 }) greenGrade: GreenGrade;
  @Column('timestamptz', { name: 'submitted_at' }) submittedAt: Date;
  @Column('timestamptz', { name: 'decided_at', nullable: true }) decidedAt: Date | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}
