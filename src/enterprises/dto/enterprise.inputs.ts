import { Field, ID, InputType } from '@nestjs/graphql';
import { Transform } from 'class-transformer';
import { lowerUuid } from '../../common/uuid.pipe.js';
import { IsBoolean, IsEnum, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { DecimalScalar, IsDecimalString, RATE } from '../../common/decimal.js';
import { InclusionStatus } from '../../inclusion/inclusion-status.js';
import { EnvironmentalCreditRating, GreenGrade } from '../green-scorecard.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const upperTrim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value);

@InputType()
export class EnterpriseApplicationInput {
  @Field(() => ID, { nullable: true, description: "The applying organisation; defaults to the caller's own, and may not be another." })
  @IsOptional() @Transform(lowerUuid) @IsUUID()
  organizationId?: string;

  @Field({ description: 'Registered name as on the business licence.' })
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(200)
  name: string;

  @Field({ nullable: true }) @Transform(trim) @IsOptional() @IsString() @MaxLength(200) nameEn?: string;

  @Field({ description: 'Unified Social Credit Code, 18 characters; case does not matter.' })
  @Transform(upperTrim) @IsString()
  uscc: string;

  @Field({ description: 'GB/T 2260 code of the district where the enterprise is registered.' })
  @Transform(trim) @Matches(/^\d{6}$/, { message: 'must be a 6-digit division code' })
  districtCode: string;

  @Field() @Transform(trim) @IsString() @MinLength(1) @MaxLength(200) industry: string;

  @Field(() => DecimalScalar, { description: 'Share of revenue from green business, from "0" to "1".' })
  @IsDecimalString({ ...RATE, min: '0', max: '1' })
  greenRevenueShare: string;

  @Field(() => EnvironmentalCreditRating) @IsEnum(EnvironmentalCreditRating) environmentalCreditRating: EnvironmentalCreditRating;

  @Field({ description: 'Marine economy enterprise (fast track).' }) @IsBoolean() marine: boolean;

  @Field({ nullable: true }) @Transform(trim) @IsOptional() @IsString() @MaxLength(5000) description?: string;
}

@InputType()
export class EnterpriseFilter {
  @Field(() => [InclusionStatus], { nullable: true }) @IsOptional() @IsEnum(InclusionStatus, { each: true }) status?: InclusionStatus[];
  @Field({ nullable: true }) @IsOptional() @Matches(/^\d{6}$/, { message: 'must be a 6-digit division code' }) districtCode?: string;
  @Field(() => [GreenGrade], { nullable: true }) @IsOptional() @IsEnum(GreenGrade, { each: true }) greenGrade?: GreenGrade[];
  @Field({ nullable: true }) @IsOptional() @IsBoolean() marine?: boolean;
  @Field({ nullable: true, description: 'Part of the name (Chinese or English) or the start of the USCC.' })
  @Transform(trim) @IsOptional() @IsString() @MinLength(1) @MaxLength(100)
  search?: string;
}
