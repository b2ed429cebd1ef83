import { Field, ID, InputType } from '@nestjs/graphql';
import { Transform } from 'class-transformer';
import { lowerUuid } from '../../common/uuid.pipe.js';
import { IsEnum, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { DateScalar, IsIsoDate } from '../../common/date.js';
import { DecimalScalar, IsDecimalString, MONEY, RATE } from '../../common/decimal.js';
import { GreenBondType } from '../green-bond.model.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const upperTrim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value);

@InputType()
export class GreenBondInput {
  @Field({ description: 'The bond code (e.g. the exchange code), unique across the registry; upper case.' })
  @Transform(upperTrim) @IsString() @MinLength(1) @MaxLength(64)
  code: string;

  @Field() @Transform(trim) @IsString() @MinLength(1) @MaxLength(200) name: string;

  @Field(() => ID, { description: 'An admitted enterprise.' }) @Transform(lowerUuid) @IsUUID(undefined, { message: 'must be a UUID' }) issuerEnterpriseId: string;

  @Field(() => GreenBondType) @IsEnum(GreenBondType) bondType: GreenBondType;

  @Field(() => DecimalScalar, { description: 'The amount issued.' }) @IsDecimalString({ ...MONEY, min: '0', exclusiveMin: true }) amount: string;

  @Field({ nullable: true, defaultValue: 'CNY', description: 'ISO 4217; CNY unless given.' })
  @Transform(upperTrim) @Matches(/^[A-Z]{3}$/, { message: 'must be a three-letter ISO 4217 code' })
  currency: string = 'CNY';

  @Field(() => DecimalScalar, { description: 'Annual coupon as a fraction, from "0" to "1" (e.g. "0.0285").' })
  @IsDecimalString({ ...RATE, min: '0', max: '1' })
  couponRate: string;

  @Field(() => DateScalar) @IsIsoDate() issuedOn: string;
  @Field(() => DateScalar, { description: 'After issuedOn.' }) @IsIsoDate() maturityOn: string;

  @Field(() => String, { nullable: true, description: 'Who gave the external review, if anyone.' })
  @Transform(trim) @IsOptional() @IsString() @MinLength(1) @MaxLength(200)
  externalReviewer?: string | null;
}

@InputType()
export class GreenBondFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @Transform(lowerUuid) @IsUUID() issuerEnterpriseId?: string;
  @Field(() => ID, { nullable: true, description: 'The organisation that registered the bond.' }) @IsOptional() @Transform(lowerUuid) @IsUUID() registeredByOrganizationId?: string;
  @Field(() => GreenBondType, { nullable: true }) @IsOptional() @IsEnum(GreenBondType) bondType?: GreenBondType;
  @Field(() => DateScalar, { nullable: true, description: 'Issued on or after.' }) @IsOptional() @IsIsoDate() issuedFrom?: string;
  @Field(() => DateScalar, { nullable: true, description: 'Issued on or before.' }) @IsOptional() @IsIsoDate() issuedTo?: string;
  @Field({ nullable: true, description: 'The start of the bond code, or part of the name.' })
  @Transform(trim) @IsOptional() @IsString() @MinLength(1) @MaxLength(100)
  search?: string;
}
