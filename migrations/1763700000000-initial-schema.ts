import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tenants, API keys, job records and the admin audit log. */
export class InitialSchema1763700000000 implements MigrationInterface {
  name = 'InitialSchema1763700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenants (
        id uuid PRIMARY KEY,
        name varchar(100) NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        name varchar(100) NOT NULL,
        prefix varchar(16) NOT NULL,
        key_hash char(64) NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id)`);
    await q.query(`
      CREATE TABLE jobs (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        role varchar(32) NOT NULL,
        tier smallint NOT NULL CHECK (tier BETWEEN 0 AND 3),
        status varchar(24) NOT NULL,
        priority integer,
        delay_ms integer,
        privacy boolean NOT NULL DEFAULT false,
        parent_id uuid REFERENCES jobs(id) ON DELETE SET NULL,
        idempotency_key varchar(255),
        request_hash char(64),
        input jsonb NOT NULL,
        result jsonb,
        error jsonb,
        progress jsonb,
        attempts_made integer NOT NULL DEFAULT 0,
        max_attempts integer NOT NULL,
        input_tokens bigint NOT NULL DEFAULT 0,
        output_tokens bigint NOT NULL DEFAULT 0,
        cost_micros bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await q.query(
      `CREATE UNIQUE INDEX jobs_idempotency_idx ON jobs (tenant_id, idempotency_key)
       WHERE idempotency_key IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX jobs_tenant_created_idx ON jobs (tenant_id, created_at DESC, id DESC)`,
    );
    await q.query(
      `CREATE INDEX jobs_tenant_status_idx ON jobs (tenant_id, status, created_at DESC, id DESC)`,
    );
    await q.query(`CREATE INDEX jobs_parent_idx ON jobs (parent_id) WHERE parent_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        actor varchar(100) NOT NULL,
        action varchar(64) NOT NULL,
        tenant_id uuid,
        target varchar(200),
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX audit_log_created_idx ON audit_log (created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP TABLE jobs`);
    await q.query(`DROP TABLE api_keys`);
    await q.query(`DROP TABLE tenants`);
  }
}
