import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'uscc_allowlist' })
export class UsccAllowlistEntity {
  @PrimaryColumn('varchar', { length: 18 }) uscc: string;
  @Column('text') reason: string;
  @Column('uuid', { name: 'added_by_user_id', nullable: true }) addedByUserId: string | null;
  @Column('timestamptz', { name: 'added_at' }) addedAt: Date;
}
