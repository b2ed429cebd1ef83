import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { DateScalar, DateTimeScalar } from '../common/date.js';
import { DecimalScalar } from '../common/decimal.js';
import { ConnectionType } from '../common/pagination.js';
import type { BondAllocationEntity, GreenBondEntity } from './green-bond.entity.js';

/** The kinds of green bond in the Chinese market (绿色债券), as the Green Bond Principles' issuers file them. */
export enum GreenBondType {
  CORPORATE = 'CORPORATE',
  ENTERPRISE = 'ENTERPRISE',
  FINANCIAL = 'FINANCIAL',
  DEBT_FINANCING_INSTRUMENT = 'DEBT_FINANCING_INSTRUMENT',
  CARBON_NEUTRAL = 'CARBON_NEUTRAL',
  ASSET_BACKED = 'ASSET_BACKED',
  OTHER = 'OTHER',
}
registerEnumType(GreenBondType, {
  name: 'GreenBondType',
  description: 'The kind of green bond.',
  valuesMap: {
    CORPORATE: { description: 'Green corporate bond (绿色公司债), issued by a company under the CSRC.' },
    ENTERPRISE: { description: 'Green enterprise bond (绿色企业债), issued by an enterprise under the NDRC.' },
    FINANCIAL: { description: 'Green financial bond (绿色金融债), issued by a bank or other financial institution.' },
    DEBT_FINANCING_INSTRUMENT: {
      description: 'Green debt financing instrument of a non-financial enterprise (非金融企业绿色债务融资工具), under NAFMII.',
    },
    CARBON_NEUTRAL: { description: 'Carbon-neutral bond (碳中和债): proceeds go wholly to projects with a carbon-reduction benefit.' },
    ASSET_BACKED: { description: 'Green asset-backed security (绿色资产支持证券).' },
    OTHER: { description: 'Any other green bond.' },
  },
});

@ObjectType('BondAllocation', { description: "An allocation of a bond's proceeds to a project of the library." })
export class BondAllocationModel {
  @Field(() => ID) id: string;
  @Field(() => ID) bondId: string;
  @Field(() => ID) projectId: string;
  @Field(() => DecimalScalar) amount: string;
  @Field(() => DateScalar, { description: 'The date the proceeds were allocated.' }) on: string;
  @Field(() => DateTimeScalar) recordedAt: Date;

  static fromEntity(e: BondAllocationEntity): BondAllocationModel {
    return Object.assign(new BondAllocationModel(), {
      id: e.id,
      bondId: e.bondId,
      projectId: e.projectId,
      amount: e.amount,
      on: e.allocatedOn,
      recordedAt: e.recordedAt,
    });
  }
}

@ObjectType('GreenBond')
export class GreenBondModel {
  @Field(() => ID) id: string;
  @Field({ description: 'The bond code, unique across the registry.' }) code: string;
  @Field() name: string;
  @Field(() => ID) issuerEnterpriseId: string;
  @Field(() => GreenBondType) bondType: GreenBondType;
  @Field(() => DecimalScalar, { description: 'The amount issued.' }) amount: string;
  @Field({ description: 'ISO 4217.' }) currency: string;
  @Field(() => DecimalScalar, { description: 'Annual coupon as a fraction, e.g. "0.0285".' }) couponRate: string;
  @Field(() => DateScalar) issuedOn: string;
  @Field(() => DateScalar) maturityOn: string;
  @Field(() => String, { nullable: true, description: 'Who gave the external review (second-party opinion, verification, rating).' })
  externalReviewer: string | null;
  @Field(() => ID, { description: 'The organisation that registered the bond: the regulator, or the underwriting bank.' })
  registeredByOrganizationId: string;
  @Field(() => DecimalScalar, { description: 'Σ of the allocations to projects.' }) allocatedTotal: string;
  @Field(() => DateTimeScalar) createdAt: Date;
  @Field(() => DateTimeScalar) updatedAt: Date;

  static fromEntity(e: GreenBondEntity): GreenBondModel {
    return Object.assign(new GreenBondModel(), {
      id: e.id,
      code: e.code,
      name: e.name,
      issuerEnterpriseId: e.issuerEnterpriseId,
      bondType: e.bondType as GreenBondType,
      amount: e.amount,
      currency: e.currency,
      couponRate: e.couponRate,
      issuedOn: e.issuedOn,
      maturityOn: e.maturityOn,
      externalReviewer: e.externalReviewer,
      registeredByOrganizationId: e.registeredByOrganizationId,
      allocatedTotal: e.allocatedTotal,
      createdAt: e.createdAt,
      updatedAt: e.updatedAt,
    });
  }
}

@ObjectType()
export class GreenBondConnection extends ConnectionType(GreenBondModel, 'GreenBond') {}

@ObjectType()
export class BondAllocationConnection extends ConnectionType(BondAllocationModel, 'BondAllocation') {}
