import { Field, ID, InputType } from '@nestjs/graphql';
import { Transform } from 'class-transformer';
import { lowerUuid } from '../../common/uuid.pipe.js';
import { IsEmail, IsEnum, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { OrganizationKind, UserRole } from '../../common/actor.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const lowerTrim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

@InputType()
export class CreateOrganizationInput {
  @Field(() => OrganizationKind) @IsEnum(OrganizationKind) kind: OrganizationKind;
  @Field() @Transform(trim) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @Field({ nullable: true }) @Transform(trim) @IsOptional() @IsString() @MaxLength(200) nameZh?: string;

  @Field({ nullable: true, description: 'Unified Social Credit Code (checked like an enterprise\'s; unique).' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toUpperCase() : value)) @IsOptional() @IsString()
  uscc?: string;
}

@InputType()
export class CreateUserInput {
  @Field(() => ID, { nullable: true, description: "Defaults to the caller's own organisation." })
  @IsOptional() @Transform(lowerUuid) @IsUUID()
  organizationId?: string;

  @Field() @Transform(lowerTrim) @IsEmail({}, { message: 'must be an e-mail address' }) @MaxLength(254) email: string;
  @Field() @Transform(trim) @IsString() @MinLength(1) @MaxLength(200) displayName: string;

  @Field({ description: 'At least 12 characters.' })
  @IsString() @MinLength(12, { message: 'must be at least 12 characters' }) @MaxLength(200)
  password: string;

  @Field(() => UserRole, { defaultValue: UserRole.STAFF }) @IsEnum(UserRole) role: UserRole = UserRole.STAFF;
}
