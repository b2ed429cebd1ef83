import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { Transform } from 'class-transformer';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { DateTimeScalar } from '../common/date.js';
import type { UsccAllowlistEntity } from './uscc-allowlist.entity.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const upperTrim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value);

@ObjectType('UsccAllowlistEntry', { description: 'A code the regulator accepts although its check character fails (early pilot codes).' })
export class UsccAllowlistEntryModel {
  @Field() uscc: string;
  @Field() reason: string;
  @Field(() => ID, { nullable: true }) addedByUserId: string | null;
  @Field(() => DateTimeScalar) addedAt: Date;

  static fromEntity(e: UsccAllowlistEntity): UsccAllowlistEntryModel {
    return Object.assign(new UsccAllowlistEntryModel(), { uscc: e.uscc, reason: e.reason, addedByUserId: e.addedByUserId, addedAt: e.addedAt });
  }
}

@InputType()
export class UsccAllowlistInput {
  @Field() @Transform(upperTrim) @Matches(/^[0-9A-HJ-NPQRTUWXY]{18}$/, { message: 'must be 18 characters of the USCC alphabet' }) uscc: string;
  @Field() @Transform(trim) @IsString() @MinLength(1) @MaxLength(1000) reason: string;
}
