import { Column, Entity, PrimaryColumn } from 'typeorm';
import { OrganizationKind, UserRole } from '../common/actor.js';

@Entity({ name: 'organization' })
export class OrganizationEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text') kind: OrganizationKind;
  @Column('text') name: string;
  @Column('text', { name: 'name_zh', nullable: true }) nameZh: string | null;
  @Column('varchar', { length: 18, nullable: true }) uscc: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
}

@Entity({ name: 'app_user' })
export class UserEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'organization_id' }) organizationId: string;
  @Column('text') email: string;
  @Column('text', { name: 'display_name' }) displayName: string;
  @Column('text', { name: 'password_hash' }) passwordHash: string;
  @Column('text') role: UserRole;
  @Column('boolean') active: boolean;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
}

@Entity({ name: 'api_key' })
export class ApiKeyEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'organization_id' }) organizationId: string;
  @Column('uuid', { name: 'created_by_user_id' }) createdByUserId: string;
  @Column('text') name: string;
  @Column('text') prefix: string;
  @Column('text', { name: 'key_hash' }) keyHash: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt: Date | null;
}

@Entity({ name: 'refresh_token' })
export class RefreshTokenEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'family_id' }) familyId: string;
  @Column('uuid', { name: 'user_id' }) userId: string;
  @Column('text', { name: 'token_hash' }) tokenHash: string;
  @Column('timestamptz', { name: 'expires_at' }) expiresAt: Date;
  @Column('timestamptz', { name: 'used_at', nullable: true }) usedAt: Date | null;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt: Date | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
}
