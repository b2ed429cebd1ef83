import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE. */
@Entity({ name: 'audit_event' })
export class AuditEventEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('timestamptz', { name: 'occurred_at' }) occurredAt: Date;
  @Column('uuid', { name: 'actor_user_id', nullable: true }) actorUserId: string | null;
  @Column('uuid', { name: 'actor_api_key_id', nullable: true }) actorApiKeyId: string | null;
  @Column('uuid', { name: 'organization_id', nullable: true }) organizationId: string | null;
  @Column('text') action: string;
  @Column('text', { name: 'entity_type' }) entityType: string;
  @Column('text', { name: 'entity_id', nullable: true }) entityId: string | null;
  @Column('jsonb', { nullable: true }) before: unknown;
  @Column('jsonb', { nullable: true }) after: unknown;
  @Column('text', { name: 'request_id', nullable: true }) requestId: string | null;
}
