import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Indexes for the list filters the API exposes, and for the housekeeping of expiring rows. */
export class FilterIndexesHousekeeping1764800000000 implements MigrationInterface {
  name = 'FilterIndexesHousekeeping1764800000000';

  async up(q: QueryRunner): Promise<void> {
    // Equality filters carry the id second, so a filtered page (ORDER BY id DESC LIMIT n) can also read in index order.
    // The audit trail by entity id alone: ix_audit_event_entity leads with entity_type.
    await q.query(`CREATE INDEX ix_audit_event_entity_id ON audit_event (entity_id, id)`);
    // The regulator's contract-number filter across banks: uq_green_loan_contract leads with the bank.
    await q.query(`CREATE INDEX ix_green_loan_contract_number ON green_loan (contract_number, id)`);
    await q.query(`CREATE INDEX ix_green_bond_registrar ON green_bond (registered_by_organization_id, id)`);
    await q.query(`CREATE INDEX ix_green_bond_type ON green_bond (bond_type, id)`);
    await q.query(`CREATE INDEX ix_green_bond_issued_on ON green_bond (issued_on)`);
    // Housekeeping finds what has expired without reading the whole table.
    await q.query(`CREATE INDEX ix_idempotency_key_created_at ON idempotency_key (created_at)`);
    await q.query(`CREATE INDEX ix_refresh_token_expires_at ON refresh_token (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_refresh_token_expires_at`);
    await q.query(`DROP INDEX ix_idempotency_key_created_at`);
    await q.query(`DROP INDEX ix_green_bond_issued_on`);
    await q.query(`DROP INDEX ix_green_bond_type`);
    await q.query(`DROP INDEX ix_green_bond_registrar`);
    await q.query(`DROP INDEX ix_green_loan_contract_number`);
    await q.query(`DROP INDEX ix_audit_event_entity_id`);
  }
}
