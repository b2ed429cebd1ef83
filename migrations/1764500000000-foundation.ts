import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Identity, audit trail and idempotency keys. */
export class Foundation1764500000000 implements MigrationInterface {
  name = 'Foundation1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE organization (
        id uuid PRIMARY KEY,
        kind text NOT NULL CONSTRAINT ck_organization_kind CHECK (kind IN ('BANK', 'ENTERPRISE', 'REGULATOR', 'VERIFIER')),
        name text NOT NULL CONSTRAINT ck_organization_name CHECK (length(btrim(name)) > 0),
        name_zh text,
        -- Unified Social Credit Code of the organisation (a bank's, a regulator's), when known.
        uscc varchar(18) CONSTRAINT ck_organization_uscc CHECK (uscc ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_organization_name ON organization (lower(name))`);
    await q.query(`CREATE UNIQUE INDEX uq_organization_uscc ON organization (uscc)`);

    await q.query(`
      CREATE TABLE app_user (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_app_user_organization REFERENCES organization (id),
        email text NOT NULL CONSTRAINT ck_app_user_email_lower CHECK (email = lower(email)),
        display_name text NOT NULL,
        password_hash text NOT NULL,
        role text NOT NULL CONSTRAINT ck_app_user_role CHECK (role IN ('ORG_ADMIN', 'STAFF')),
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_app_user_email ON app_user (email)`);
    await q.query(`CREATE INDEX ix_app_user_organization ON app_user (organization_id)`);

    await q.query(`
      CREATE TABLE api_key (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_api_key_organization REFERENCES organization (id),
        created_by_user_id uuid NOT NULL CONSTRAINT fk_api_key_created_by REFERENCES app_user (id),
        name text NOT NULL,
        prefix text NOT NULL,
        key_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_api_key_prefix ON api_key (prefix)`);
    await q.query(`CREATE INDEX ix_api_key_organization ON api_key (organization_id)`);

    await q.query(`
      CREATE TABLE refresh_token (
        id uuid PRIMARY KEY,
        family_id uuid NOT NULL,
        user_id uuid NOT NULL CONSTRAINT fk_refresh_token_user REFERENCES app_user (id),
        token_hash text NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_refresh_token_hash ON refresh_token (token_hash)`);
    await q.query(`CREATE INDEX ix_refresh_token_family ON refresh_token (family_id)`);

    await q.query(`
      CREATE TABLE audit_event (
        id uuid PRIMARY KEY,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        actor_user_id uuid,
        actor_api_key_id uuid,
        organization_id uuid,
        action text NOT NULL,
        entity_type text NOT NULL,
        entity_id text,
        before jsonb,
        after jsonb,
        request_id text
      )`);
    await q.query(`CREATE INDEX ix_audit_event_entity ON audit_event (entity_type, entity_id)`);
    await q.query(`CREATE INDEX ix_audit_event_organization ON audit_event (organization_id, id)`);
    await q.query(`CREATE INDEX ix_audit_event_occurred_at ON audit_event (occurred_at)`);
    await q.query(`CREATE INDEX ix_audit_event_action ON audit_event (action, id)`);
    await q.query(`CREATE INDEX ix_audit_event_actor ON audit_event (actor_user_id, id)`);
    await q.query(`
      CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await q.query(`
      CREATE TRIGGER trg_audit_event_no_update_delete BEFORE UPDATE OR DELETE ON audit_event
      FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()`);
    await q.query(`
      CREATE TRIGGER trg_audit_event_no_truncate BEFORE TRUNCATE ON audit_event
      FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()`);

    await q.query(`
      CREATE TABLE idempotency_key (
        organization_id uuid NOT NULL CONSTRAINT fk_idempotency_key_organization REFERENCES organization (id),
        key text NOT NULL,
        operation text NOT NULL,
        request_hash text NOT NULL,
        response jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_idempotency_key PRIMARY KEY (organization_id, key)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_key`);
    await q.query(`DROP TABLE audit_event`);
    await q.query(`DROP FUNCTION audit_event_append_only()`);
    await q.query(`DROP TABLE refresh_token`);
    await q.query(`DROP TABLE api_key`);
    await q.query(`DROP TABLE app_user`);
    await q.query(`DROP TABLE organization`);
  }
}
