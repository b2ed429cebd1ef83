import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The enterprise library, the project library, their inclusion history, and the regulator's USCC allowlist. */
export class Libraries1764600000000 implements MigrationInterface {
  name = 'Libraries1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE uscc_allowlist (
        uscc varchar(18) PRIMARY KEY CONSTRAINT ck_uscc_allowlist_uscc CHECK (uscc ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'),
        reason text NOT NULL,
        added_by_user_id uuid CONSTRAINT fk_uscc_allowlist_user REFERENCES app_user (id),
        added_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE enterprise (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_enterprise_organization REFERENCES organization (id),
        name text NOT NULL,
        name_en text,
        uscc varchar(18) NOT NULL,
        district_code varchar(6) NOT NULL CONSTRAINT fk_enterprise_district REFERENCES division (code),
        industry text NOT NULL,
        green_revenue_share numeric(9,6) NOT NULL CONSTRAINT ck_enterprise_share CHECK (green_revenue_share BETWEEN 0 AND 1),
        environmental_credit_rating text NOT NULL
          CONSTRAINT ck_enterprise_rating CHECK (environmental_credit_rating IN ('GREEN', 'BLUE', 'YELLOW', 'RED', 'BLACK', 'UNRATED')),
        marine boolean NOT NULL,
        description text,
        status text NOT NULL CONSTRAINT ck_enterprise_status CHECK (status IN ('SUBMITTED', 'ADMITTED', 'REJECTED', 'REMOVED')),
        green_score smallint NOT NULL CONSTRAINT ck_enterprise_score CHECK (green_score BETWEEN 0 AND 100),
        green_grade char(1) NOT NULL CONSTRAINT ck_enterprise_grade CHECK (green_grade IN ('A', 'B', 'C', 'D')),
        submitted_at timestamptz NOT NULL,
        decided_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_enterprise_organization ON enterprise (organization_id)`);
    await q.query(`CREATE UNIQUE INDEX uq_enterprise_uscc ON enterprise (uscc)`);
    await q.query(`CREATE INDEX ix_enterprise_status ON enterprise (status, id)`);
    await q.query(`CREATE INDEX ix_enterprise_district ON enterprise (district_code, id)`);

    await q.query(`
      CREATE TABLE project (
        id uuid PRIMARY KEY,
        enterprise_id uuid NOT NULL CONSTRAINT fk_project_enterprise REFERENCES enterprise (id),
        -- The enterprise's organisation, copied (it never changes) so visibility needs no join.
        organization_id uuid NOT NULL CONSTRAINT fk_project_organization REFERENCES organization (id),
        name text NOT NULL,
        taxonomy_catalogue text NOT NULL,
        taxonomy_code text NOT NULL,
        taxonomy_level1 text GENERATED ALWAYS AS (split_part(taxonomy_code, '.', 1)) STORED,
        district_code varchar(6) NOT NULL CONSTRAINT fk_project_district REFERENCES division (code),
        realm text NOT NULL CONSTRAINT ck_project_realm CHECK (realm IN ('LAND', 'SEA')),
        total_investment numeric(20,2) NOT NULL CONSTRAINT ck_project_investment CHECK (total_investment > 0),
        expected_annual_co2_reduction_tonnes numeric(24,6) NOT NULL CONSTRAINT ck_project_co2 CHECK (expected_annual_co2_reduction_tonnes >= 0),
        start_date date NOT NULL,
        end_date date NOT NULL,
        description text,
        status text NOT NULL CONSTRAINT ck_project_status CHECK (status IN ('SUBMITTED', 'ADMITTED', 'REJECTED', 'REMOVED')),
        submitted_at timestamptz NOT NULL,
        decided_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT fk_project_taxonomy FOREIGN KEY (taxonomy_catalogue, taxonomy_code) REFERENCES taxonomy_category (catalogue, code),
        CONSTRAINT ck_project_dates CHECK (end_date > start_date)
      )`);
    await q.query(`CREATE INDEX ix_project_enterprise ON project (enterprise_id, id)`);
    await q.query(`CREATE INDEX ix_project_organization ON project (organization_id, id)`);
    await q.query(`CREATE INDEX ix_project_status ON project (status, id)`);
    await q.query(`CREATE INDEX ix_project_district ON project (district_code, id)`);
    await q.query(`CREATE INDEX ix_project_taxonomy_level1 ON project (taxonomy_catalogue, taxonomy_level1)`);

    // Every submission and decision on an enterprise or a project: who, when, from which state to which, why.
    await q.query(`
      CREATE TABLE inclusion_event (
        id uuid PRIMARY KEY,
        subject_type text NOT NULL CONSTRAINT ck_inclusion_event_subject CHECK (subject_type IN ('ENTERPRISE', 'PROJECT')),
        subject_id uuid NOT NULL,
        action text NOT NULL CONSTRAINT ck_inclusion_event_action CHECK (action IN ('SUBMIT', 'RESUBMIT', 'ADMIT', 'REJECT', 'REMOVE')),
        from_status text,
        to_status text NOT NULL,
        comment text,
        actor_user_id uuid CONSTRAINT fk_inclusion_event_user REFERENCES app_user (id),
        actor_api_key_id uuid CONSTRAINT fk_inclusion_event_api_key REFERENCES api_key (id),
        actor_organization_id uuid NOT NULL CONSTRAINT fk_inclusion_event_organization REFERENCES organization (id),
        snapshot jsonb,
        occurred_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_inclusion_event_subject ON inclusion_event (subject_type, subject_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE inclusion_event`);
    await q.query(`DROP TABLE project`);
    await q.query(`DROP TABLE enterprise`);
    await q.query(`DROP TABLE uscc_allowlist`);
  }
}
