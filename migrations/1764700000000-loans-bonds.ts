import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Green loans with their disbursements and repayments; green bonds with their use-of-proceeds allocations. */
export class LoansBonds1764700000000 implements MigrationInterface {
  name = 'LoansBonds1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE green_loan (
        id uuid PRIMARY KEY,
        bank_organization_id uuid NOT NULL CONSTRAINT fk_green_loan_bank REFERENCES organization (id),
        contract_number text NOT NULL,
        borrower_enterprise_id uuid NOT NULL CONSTRAINT fk_green_loan_borrower REFERENCES enterprise (id),
        -- The borrower's organisation, copied (it never changes) so visibility needs no join.
        borrower_organization_id uuid NOT NULL CONSTRAINT fk_green_loan_borrower_org REFERENCES organization (id),
        project_id uuid CONSTRAINT fk_green_loan_project REFERENCES project (id),
        principal numeric(20,2) NOT NULL CONSTRAINT ck_green_loan_principal CHECK (principal > 0),
        currency char(3) NOT NULL CONSTRAINT ck_green_loan_currency CHECK (currency ~ '^[A-Z]{3}$'),
        interest_rate numeric(9,6) NOT NULL CONSTRAINT ck_green_loan_rate CHECK (interest_rate >= 0),
        signed_on date NOT NULL,
        maturity_on date NOT NULL,
        taxonomy_catalogue text NOT NULL,
        taxonomy_code text NOT NULL,
        taxonomy_level1 text GENERATED ALWAYS AS (split_part(taxonomy_code, '.', 1)) STORED,
        carbon_benefit text NOT NULL CONSTRAINT ck_green_loan_carbon_benefit CHECK (carbon_benefit IN ('DIRECT', 'INDIRECT')),
        district_code varchar(6) NOT NULL CONSTRAINT fk_green_loan_district REFERENCES division (code),
        -- Running totals, kept under the loan's row lock with every event, so portfolio sums need no event scan.
        disbursed_total numeric(20,2) NOT NULL DEFAULT 0,
        repaid_total numeric(20,2) NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT fk_green_loan_taxonomy FOREIGN KEY (taxonomy_catalogue, taxonomy_code) REFERENCES taxonomy_category (catalogue, code),
        CONSTRAINT ck_green_loan_dates CHECK (maturity_on > signed_on),
        CONSTRAINT ck_green_loan_disbursed CHECK (disbursed_total >= 0 AND disbursed_total <= principal),
        CONSTRAINT ck_green_loan_repaid CHECK (repaid_total >= 0 AND repaid_total <= disbursed_total)
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_green_loan_contract ON green_loan (bank_organization_id, contract_number)`);
    await q.query(`CREATE INDEX ix_green_loan_bank ON green_loan (bank_organization_id, id)`);
    await q.query(`CREATE INDEX ix_green_loan_borrower ON green_loan (borrower_enterprise_id, id)`);
    await q.query(`CREATE INDEX ix_green_loan_borrower_org ON green_loan (borrower_organization_id, id)`);
    await q.query(`CREATE INDEX ix_green_loan_project ON green_loan (project_id) WHERE project_id IS NOT NULL`);
    await q.query(`CREATE INDEX ix_green_loan_district ON green_loan (district_code, id)`);
    await q.query(`CREATE INDEX ix_green_loan_signed_on ON green_loan (signed_on)`);
    await q.query(`CREATE INDEX ix_green_loan_taxonomy_level1 ON green_loan (taxonomy_catalogue, taxonomy_level1)`);

    await q.query(`
      CREATE TABLE loan_event (
        id uuid PRIMARY KEY,
        loan_id uuid NOT NULL CONSTRAINT fk_loan_event_loan REFERENCES green_loan (id),
        kind text NOT NULL CONSTRAINT ck_loan_event_kind CHECK (kind IN ('DISBURSEMENT', 'REPAYMENT')),
        amount numeric(20,2) NOT NULL CONSTRAINT ck_loan_event_amount CHECK (amount > 0),
        occurred_on date NOT NULL,
        -- The bank's own reference for the event (bulk import), unique per loan, so a re-run adds nothing.
        external_ref text,
        recorded_by_user_id uuid CONSTRAINT fk_loan_event_user REFERENCES app_user (id),
        recorded_by_api_key_id uuid CONSTRAINT fk_loan_event_api_key REFERENCES api_key (id),
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_loan_event_loan ON loan_event (loan_id, occurred_on)`);
    await q.query(`CREATE UNIQUE INDEX uq_loan_event_external_ref ON loan_event (loan_id, external_ref) WHERE external_ref IS NOT NULL`);

    await q.query(`
      CREATE TABLE green_bond (
        id uuid PRIMARY KEY,
        code text NOT NULL,
        name text NOT NULL,
        issuer_enterprise_id uuid NOT NULL CONSTRAINT fk_green_bond_issuer REFERENCES enterprise (id),
        bond_type text NOT NULL CONSTRAINT ck_green_bond_type
          CHECK (bond_type IN ('CORPORATE', 'ENTERPRISE', 'FINANCIAL', 'DEBT_FINANCING_INSTRUMENT', 'CARBON_NEUTRAL', 'ASSET_BACKED', 'OTHER')),
        amount numeric(20,2) NOT NULL CONSTRAINT ck_green_bond_amount CHECK (amount > 0),
        currency char(3) NOT NULL CONSTRAINT ck_green_bond_currency CHECK (currency ~ '^[A-Z]{3}$'),
        coupon_rate numeric(9,6) NOT NULL CONSTRAINT ck_green_bond_coupon CHECK (coupon_rate >= 0),
        issued_on date NOT NULL,
        maturity_on date NOT NULL,
        external_reviewer text,
        registered_by_organization_id uuid NOT NULL CONSTRAINT fk_green_bond_registrar REFERENCES organization (id),
        allocated_total numeric(20,2) NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_green_bond_dates CHECK (maturity_on > issued_on),
        CONSTRAINT ck_green_bond_allocated CHECK (allocated_total >= 0 AND allocated_total <= amount)
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_green_bond_code ON green_bond (code)`);
    await q.query(`CREATE INDEX ix_green_bond_issuer ON green_bond (issuer_enterprise_id, id)`);

    await q.query(`
      CREATE TABLE bond_allocation (
        id uuid PRIMARY KEY,
        bond_id uuid NOT NULL CONSTRAINT fk_bond_allocation_bond REFERENCES green_bond (id),
        project_id uuid NOT NULL CONSTRAINT fk_bond_allocation_project REFERENCES project (id),
        amount numeric(20,2) NOT NULL CONSTRAINT ck_bond_allocation_amount CHECK (amount > 0),
        allocated_on date NOT NULL,
        recorded_by_user_id uuid CONSTRAINT fk_bond_allocation_user REFERENCES app_user (id),
        recorded_by_api_key_id uuid CONSTRAINT fk_bond_allocation_api_key REFERENCES api_key (id),
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_bond_allocation_bond ON bond_allocation (bond_id, id)`);
    await q.query(`CREATE INDEX ix_bond_allocation_project ON bond_allocation (project_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE bond_allocation`);
    await q.query(`DROP TABLE green_bond`);
    await q.query(`DROP TABLE loan_event`);
    await q.query(`DROP TABLE green_loan`);
  }
}
