import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { InclusionAction, InclusionStatus } from './inclusion-status.js';

export type InclusionSubject = 'ENTERPRISE' | 'PROJECT';

@Entity({ name: 'inclusion_event' })
export class InclusionEventEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text', { name: 'subject_type' }) subjectType: InclusionSubject;
  @Column('uuid', { name: 'subject_id' }) subjectId: string;
  @Column('text') action: InclusionAction;
  @Column('text', { name: 'from_status', nullable: true }) fromStatus: InclusionStatus | null;
  @Column('text', { name: 'to_status' }) toStatus: InclusionStatus;
  @Column('text', { nullable: true }) comment: string | null;
  @Column('uuid', { name: 'actor_user_id', nullable: true }) actorUserId: string | null;
  @Column('uuid', { name: 'actor_api_key_id', nullable: true }) actorApiKeyId: string | null;
  @Column('uuid', { name: 'actor_organization_id' }) actorOrganizationId: string;
  @Column('jsonb', { nullable: true }) snapshot: unknown;
  @Column('timestamptz', { name: 'occurred_at' }) occurredAt: Date;
}
