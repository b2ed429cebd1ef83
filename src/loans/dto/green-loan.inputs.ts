import { Field, ID, InputType } from '@nestjs/graphql';
import { Transform, Type } from 'class-transformer';
import { lowerUuid } from '../../common/uuid.pipe.js';
import { IsEnum, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { DateScalar, IsIsoDate } from '../../common/date.js';
import { DecimalScalar, IsDecimalString, MONEY, RATE } from '../../common/decimal.js';
import { TaxonomyLevel1Filter, TaxonomyRefInput } from '../../reference/reference.models.js';
import { CarbonBenefit } from '../green-loan.model.js';
import { LoanStatusValue } from '../loan-ledger.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const upperTrim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value);

@InputType()
export class GreenLoanInput {
  @Field({ description: "The bank's contract number, unique within the bank." })
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(64) @Matches(/^[^\s,]+( [^\s,]+)*$/, { message: 'must not contain commas or runs of spaces' })
  contractNumber: string;

  @Field(() => ID, { description: 'An admitted enterprise.' }) @Transform(lowerUuid) @IsUUID(undefined, { message: 'must be a UUID' }) borrowerEnterpriseId: string;

  @Field(() => ID, { nullable: true, description: "An admitted project of the borrower's." })
  @IsOptional() @Transform(lowerUuid) @IsUUID(undefined, { message: 'must be a UUID' })
  projectId?: string;

  @Field(() => DecimalScalar) @IsDecimalString({ ...MONEY, min: '0', exclusiveMin: true }) principal: string;

  @Field({ nullable: true, defaultValue: 'CNY', description: 'ISO 4217; CNY unless given.' })
  @Transform(upperTrim) @Matches(/^[A-Z]{3}$/, { message: 'must be a three-letter ISO 4217 code' })
  currency: string = 'CNY';

  @Field(() => DecimalScalar, { description: 'Annual rate as a fraction, from "0" to "1" (e.g. "0.0345").' })
  @IsDecimalString({ ...RATE, min: '0', max: '1' })
  interestRate: string;

  @Field(() => DateScalar) @IsIsoDate() signedOn: string;
  @Field(() => DateScalar, { description: 'After signedOn.' }) @IsIsoDate() maturityOn: string;

  @Field(() => TaxonomyRefInput) @ValidateNested() @Type(() => TaxonomyRefInput) taxonomy: TaxonomyRefInput;

  @Field(() => CarbonBenefit) @IsEnum(CarbonBenefit) carbonBenefit: CarbonBenefit;
}

@InputType()
export class GreenLoanFilter {
  @Field(() => ID, { nullable: true, description: "The lending bank's organisation." }) @IsOptional() @Transform(lowerUuid) @IsUUID() bankOrganizationId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @Transform(lowerUuid) @IsUUID() borrowerEnterpriseId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @Transform(lowerUuid) @IsUUID() projectId?: string;
  @Field({ nullable: true }) @IsOptional() @Matches(/^\d{6}$/, { message: 'must be a 6-digit division code' }) districtCode?: string;
  @Field(() => TaxonomyLevel1Filter, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => TaxonomyLevel1Filter) taxonomyLevel1?: TaxonomyLevel1Filter;
  @Field(() => DateScalar, { nullable: true, description: 'Signed on or after.' }) @IsOptional() @IsIsoDate() signedFrom?: string;
  @Field(() => DateScalar, { nullable: true, description: 'Signed on or before.' }) @IsOptional() @IsIsoDate() signedTo?: string;
  @Field(() => [LoanStatusValue], { nullable: true, description: 'Status today.' }) @IsOptional() @IsEnum(LoanStatusValue, { each: true }) status?: LoanStatusValue[];
  @Field({ nullable: true }) @Transform(trim) @IsOptional() @IsString() @MaxLength(64) contractNumber?: string;
}
