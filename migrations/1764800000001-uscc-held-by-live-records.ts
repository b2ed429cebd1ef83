import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A USCC is unique among live library records (SUBMITTED or ADMITTED) only: a rejected or removed record keeps its
 * code as history, and the organisation the regulator registered the code to may then apply with it (the service
 * decides who else may not).
 */
export class UsccHeldByLiveRecords1764800000001 implements MigrationInterface {
  name = 'UsccHeldByLiveRecords1764800000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX uq_enterprise_uscc`);
    await q.query(`CREATE UNIQUE INDEX uq_enterprise_uscc_live ON enterprise (uscc) WHERE status IN ('SUBMITTED', 'ADMITTED')`);
    await q.query(`CREATE INDEX ix_enterprise_uscc ON enterprise (uscc)`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Fails if two records now share a code (one live, others rejected or removed): that is the data this change allows.
    await q.query(`DROP INDEX ix_enterprise_uscc`);
    await q.query(`DROP INDEX uq_enterprise_uscc_live`);
    await q.query(`CREATE UNIQUE INDEX uq_enterprise_uscc ON enterprise (uscc)`);
  }
}
