import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { DateScalar, DateTimeScalar } from '../common/date.js';
import { DecimalScalar } from '../common/decimal.js';
import { ConnectionType } from '../common/pagination.js';
import { TaxonomyCatalogue } from '../reference/reference.models.js';
import type { GreenLoanEntity, LoanEventEntity } from './green-loan.entity.js';
import { LoanStatusValue } from './loan-ledger.js';

export enum CarbonBenefit {
  /** Directly reduces emissions (PBoC green-loan statistics). */
  DIRECT = 'DIRECT',
  INDIRECT = 'INDIRECT',
}
registerEnumType(CarbonBenefit, { name: 'CarbonBenefit', description: "PBoC's split of green loans by carbon benefit." });

export enum LoanEventType {
  DISBURSEMENT = 'DISBURSEMENT',
  REPAYMENT = 'REPAYMENT',
}
registerEnumType(LoanEventType, { name: 'LoanEventKind' });

registerEnumType(LoanStatusValue, {
  name: 'GreenLoanStatus',
  description: 'Derived from the events: SIGNED (nothing drawn), DRAWN, REPAID (in full), MATURED (past maturity, balance outstanding).',
});

@ObjectType('LoanEvent')
export class LoanEventModel {
  @Field(() => ID) id: string;
  @Field(() => ID) loanId: string;
  @Field(() => LoanEventType) kind: LoanEventType;
  @Field(() => DecimalScalar) amount: string;
  @Field(() => DateScalar) on: string;
  @Field(() => String, { nullable: true, description: "The bank's own reference (bulk import)." }) externalRef: string | null;
  @Field(() => DateTimeScalar) recordedAt: Date;

  static fromEntity(e: LoanEventEntity): LoanEventModel {
    return Object.assign(new LoanEventModel(), {
      id: e.id,
      loanId: e.loanId,
      kind: e.kind as LoanEventType,
      amount: e.amount,
      on: e.occurredOn,
      externalRef: e.externalRef,
      recordedAt: e.recordedAt,
    });
  }
}

@ObjectType('GreenLoan')
export class GreenLoanModel {
  @Field(() => ID) id: string;
  @Field() contractNumber: string;
  @Field(() => ID) bankOrganizationId: string;
  @Field(() => ID) borrowerEnterpriseId: string;
  @Field(() => ID, { nullable: true }) projectId: string | null;
  @Field(() => DecimalScalar) principal: string;
  @Field({ description: 'ISO 4217.' }) currency: string;
  @Field(() => DecimalScalar, { description: 'Annual rate as a fraction, e.g. "0.0345".' }) interestRate: string;
  @Field(() => DateScalar) signedOn: string;
  @Field(() => DateScalar) maturityOn: string;
  @Field(() => TaxonomyCatalogue) taxonomyCatalogue: TaxonomyCatalogue;
  @Field() taxonomyCode: string;
  @Field(() => CarbonBenefit) carbonBenefit: CarbonBenefit;
  @Field({ description: "The project's district, or the borrower's when there is no project." }) districtCode: string;
  @Field(() => DecimalScalar, { description: 'All disbursements recorded.' }) disbursedTotal: string;
  @Field(() => DecimalScalar, { description: 'All repayments recorded.' }) repaidTotal: string;
  @Field(() => DateTimeScalar) createdAt: Date;

  static fromEntity(e: GreenLoanEntity): GreenLoanModel {
    return Object.assign(new GreenLoanModel(), {
      id: e.id,
      contractNumber: e.contractNumber,
      bankOrganizationId: e.bankOrganizationId,
      borrowerEnterpriseId: e.borrowerEnterpriseId,
      projectId: e.projectId,
      principal: e.principal,
      currency: e.currency,
      interestRate: e.interestRate,
      signedOn: e.signedOn,
      maturityOn: e.maturityOn,
      taxonomyCatalogue: e.taxonomyCatalogue as TaxonomyCatalogue,
      taxonomyCode: e.taxonomyCode,
      carbonBenefit: e.carbonBenefit as CarbonBenefit,
      districtCode: e.districtCode,
      disbursedTotal: e.disbursedTotal,
      repaidTotal: e.repaidTotal,
      createdAt: e.createdAt,
    });
  }
}

@ObjectType()
export class GreenLoanConnection extends ConnectionType(GreenLoanModel, 'GreenLoan') {}

@ObjectType()
export class LoanEventConnection extends ConnectionType(LoanEventModel, 'LoanEvent') {}
