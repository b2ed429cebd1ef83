import { Field, ID, ObjectType } from '@nestjs/graphql';
import { DateTimeScalar } from '../common/date.js';
import { OrganizationKind, UserRole } from '../common/actor.js';
import type { ApiKeyEntity, OrganizationEntity, UserEntity } from './entities.js';

@ObjectType('Organization')
export class OrganizationModel {
  @Field(() => ID) id: string;
  @Field(() => OrganizationKind) kind: OrganizationKind;
  @Field() name: string;
  @Field(() => String, { nullable: true }) nameZh: string | null;
  @Field(() => String, { nullable: true, description: 'Unified Social Credit Code, when registered.' }) uscc: string | null;
  @Field(() => DateTimeScalar) createdAt: Date;

  static fromEntity(e: OrganizationEntity): OrganizationModel {
    return Object.assign(new OrganizationModel(), { id: e.id, kind: e.kind, name: e.name, nameZh: e.nameZh, uscc: e.uscc, createdAt: e.createdAt });
  }
}

@ObjectType('User')
export class UserModel {
  @Field(() => ID) id: string;
  @Field() email: string;
  @Field() displayName: string;
  @Field(() => UserRole) role: UserRole;
  @Field() active: boolean;
  @Field(() => OrganizationModel) organization: OrganizationModel;
  @Field(() => DateTimeScalar) createdAt: Date;

  /** The only mapping from a user row: the password hash never leaves it. */
  static fromEntity(e: UserEntity, organization: OrganizationEntity): UserModel {
    return Object.assign(new UserModel(), {
      id: e.id,
      email: e.email,
      displayName: e.displayName,
      role: e.role,
      active: e.active,
      organization: OrganizationModel.fromEntity(organization),
      createdAt: e.createdAt,
    });
  }
}

@ObjectType('AuthPayload')
export class AuthPayloadModel {
  @Field() accessToken: string;
  @Field(() => DateTimeScalar) accessTokenExpiresAt: Date;
  @Field({ description: 'Single use: exchanging it returns a new one; presenting a used one revokes the whole chain.' })
  refreshToken: string;
  @Field(() => UserModel) user: UserModel;
}

@ObjectType('ApiKey')
export class ApiKeyModel {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field({ description: 'The public part of the key, to recognise it in lists.' }) prefix: string;
  @Field(() => ID) organizationId: string;
  @Field(() => DateTimeScalar) createdAt: Date;
  @Field(() => DateTimeScalar, { nullable: true }) revokedAt: Date | null;

  static fromEntity(e: ApiKeyEntity): ApiKeyModel {
    return Object.assign(new ApiKeyModel(), {
      id: e.id,
      name: e.name,
      prefix: e.prefix,
      organizationId: e.organizationId,
      createdAt: e.createdAt,
      revokedAt: e.revokedAt,
    });
  }
}

@ObjectType('CreatedApiKey')
export class CreatedApiKeyModel {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field() prefix: string;
  @Field({ description: 'The key itself, shown this once; the registry keeps only its hash.' }) key: string;
}
