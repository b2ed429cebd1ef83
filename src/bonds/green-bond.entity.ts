import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'green_bond' })
export class GreenBondEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text') code: string;
  @Column('text') name: string;
  @Column('uuid', { name: 'issuer_enterprise_id' }) issuerEnterpriseId: string;
  @Column('text', { name: 'bond_type' }) bondType: string;
  @Column('numeric', { precision: 20, scale: 2 }) amount: string;
  @Column('char', { length: 3 }) currency: string;
  @Column('numeric', { name: 'coupon_rate', precision: 9, scale: 6 }) couponRate: string;
  @Column('date', { name: 'issued_on' }) issuedOn: string;
  @Column('date', { name: 'maturity_on' }) maturityOn: string;
  @Column('text', { name: 'external_reviewer', nullable: true }) externalReviewer: string | null;
  @Column('uuid', { name: 'registered_by_organization_id' }) registeredByOrganizationId: string;
  /** Σ of the bond's allocations, kept in step under the bond's row lock; the database checks it never exceeds amount. */
  @Column('numeric', { name: 'allocated_total', precision: 20, scale: 2 }) allocatedTotal: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}

@Entity({ name: 'bond_allocation' })
export class BondAllocationEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'bond_id' }) bondId: string;
  @Column('uuid', { name: 'project_id' }) projectId: string;
  @Column('numeric', { precision: 20, scale: 2 }) amount: string;
  @Column('date', { name: 'allocated_on' }) allocatedOn: string;
  @Column('uuid', { name: 'recorded_by_user_id', nullable: true }) recordedByUserId: string | null;
  @Column('uuid', { name: 'recorded_by_api_key_id', nullable: true }) recordedByApiKeyId: string | null;
  @Column('timestamptz', { name: 'recorded_at' }) recordedAt: Date;
}
