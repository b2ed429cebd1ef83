import { Field, ID, InputType } from '@nestjs/graphql';
import { Transform, Type } from 'class-transformer';
import { lowerUuid } from '../../common/uuid.pipe.js';
import { IsEnum, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { DateScalar, IsIsoDate } from '../../common/date.js';
import { DecimalScalar, IsDecimalString, MONEY, QUANTITY } from '../../common/decimal.js';
import { InclusionStatus } from '../../inclusion/inclusion-status.js';
import { Realm, TaxonomyLevel1Filter, TaxonomyRefInput } from '../../reference/reference.models.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

@InputType()
export class ProjectInput {
  @Field(() => ID, { nullable: true, description: "The submitting enterprise; defaults to the caller's own." })
  @IsOptional() @Transform(lowerUuid) @IsUUID()
  enterpriseId?: string;

  @Field() @Transform(trim) @IsString() @MinLength(1) @MaxLength(200) name: string;

  @Field(() => TaxonomyRefInput) @ValidateNested() @Type(() => TaxonomyRefInput) taxonomy: TaxonomyRefInput;

  @Field() @Transform(trim) @Matches(/^\d{6}$/, { message: 'must be a 6-digit division code' }) districtCode: string;

  @Field(() => Realm) @IsEnum(Realm) realm: Realm;

  @Field(() => DecimalScalar, { description: 'CNY, greater than 0.' })
  @IsDecimalString({ ...MONEY, min: '0', exclusiveMin: true })
  totalInvestment: string;

  @Field(() => DecimalScalar, { description: 'Tonnes of CO2 a year, 0 or more.' })
  @IsDecimalString({ ...QUANTITY, min: '0' })
  expectedAnnualCo2ReductionTonnes: string;

  @Field(() => DateScalar) @IsIsoDate() startDate: string;
  @Field(() => DateScalar, { description: 'After startDate.' }) @IsIsoDate() endDate: string;

  @Field({ nullable: true }) @Transform(trim) @IsOptional() @IsString() @MaxLength(5000) description?: string;
}

@InputType()
export class ProjectFilter {
  @Field(() => [InclusionStatus], { nullable: true }) @IsOptional() @IsEnum(InclusionStatus, { each: true }) status?: InclusionStatus[];
  @Field({ nullable: true }) @IsOptional() @Matches(/^\d{6}$/, { message: 'must be a 6-digit division code' }) districtCode?: string;
  @Field(() => Realm, { nullable: true }) @IsOptional() @IsEnum(Realm) realm?: Realm;
  @Field(() => ID, { nullable: true }) @IsOptional() @Transform(lowerUuid) @IsUUID() enterpriseId?: string;
  @Field(() => TaxonomyLevel1Filter, {
    nullable: true,
    description: 'Projects whose category falls under this level-1 category, in its own catalogue or mapped to it through the crosswalk.',
  })
  @IsOptional() @ValidateNested() @Type(() => TaxonomyLevel1Filter)
  taxonomyLevel1?: TaxonomyLevel1Filter;
  @Field({ nullable: true, description: 'Part of the project name.' })
  @Transform(trim) @IsOptional() @IsString() @MinLength(1) @MaxLength(100)
  search?: string;
}
