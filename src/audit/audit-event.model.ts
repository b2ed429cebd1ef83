import { Transform } from 'class-transformer';
import { lowerUuid } from '../common/uuid.pipe.js';
import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { DateTimeScalar } from '../common/date.js';
import { IsDate, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import GraphQLJSON from '../common/json.scalar.js';
import { ConnectionType } from '../common/pagination.js';
import type { AuditEventEntity } from './audit-event.entity.js';

@ObjectType('AuditEvent')
export class AuditEventModel {
  @Field(() => ID) id: string;
  @Field(() => DateTimeScalar) at: Date;
  @Field(() => ID, { nullable: true, description: 'The acting user; null for an API key or a system action.' }) actor: string | null;
  @Field(() => ID, { nullable: true }) actorApiKeyId: string | null;
  @Field(() => ID, { nullable: true }) organization: string | null;
  @Field() action: string;
  @Field() entityType: string;
  @Field(() => String, { nullable: true }) entityId: string | null;
  @Field(() => GraphQLJSON, { nullable: true }) before: unknown;
  @Field(() => GraphQLJSON, { nullable: true }) after: unknown;
  @Field(() => String, { nullable: true }) requestId: string | null;

  static fromEntity(e: AuditEventEntity): AuditEventModel {
    return Object.assign(new AuditEventModel(), {
      id: e.id,
      at: e.occurredAt,
      actor: e.actorUserId,
      actorApiKeyId: e.actorApiKeyId,
      organization: e.organizationId,
      action: e.action,
      entityType: e.entityType,
      entityId: e.entityId,
      before: e.before,
      after: e.after,
      requestId: e.requestId,
    });
  }
}

@ObjectType()
export class AuditEventConnection extends ConnectionType(AuditEventModel, 'AuditEvent') {}

@InputType()
export class AuditEventFilter {
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(100) entityType?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(100) entityId?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(100) action?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @Transform(lowerUuid) @IsUUID() organizationId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @Transform(lowerUuid) @IsUUID() actorUserId?: string;
  @Field(() => DateTimeScalar, { nullable: true, description: 'From this instant (inclusive).' }) @IsOptional() @IsDate() from?: Date;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Before this instant (exclusive).' }) @IsOptional() @IsDate() to?: Date;
}
