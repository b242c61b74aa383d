import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Budget pools (definitions; live counters are in Redis), the alerts they fired, and the
 * columns jobs and invocations need so key pools can be enforced and reconciled.
 */
export class Budgets1764000000000 implements MigrationInterface {
  name = 'Budgets1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE budget_pools (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        scope varchar(8) NOT NULL CHECK (scope IN ('tenant', 'api_key', 'job')),
        api_key_id uuid NULL REFERENCES api_keys(id) ON DELETE CASCADE,
        period varchar(8) NOT NULL CHECK (period IN ('daily', 'weekly', 'monthly', 'lifetime')),
        limit_micros bigint NOT NULL CHECK (limit_micros >= 0),
        mode varchar(4) NOT NULL CHECK (mode IN ('hard', 'soft')),
        thresholds smallint[] NOT NULL DEFAULT '{80,90,95,100}',
        timezone varchar(64) NOT NULL DEFAULT 'UTC',
        webhook_url varchar(2000) NULL,
        created_by varchar(8) NOT NULL DEFAULT 'admin' CHECK (created_by IN ('admin', 'tenant')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT budget_pools_api_key_scope_chk
          CHECK (scope <> 'api_key' OR api_key_id IS NOT NULL),
        CONSTRAINT budget_pools_tenant_scope_chk
          CHECK (scope <> 'tenant' OR api_key_id IS NULL),
        CONSTRAINT budget_pools_job_lifetime_chk
          CHECK (scope <> 'job' OR period = 'lifetime')
      )`);
    await q.query(`CREATE INDEX budget_pools_tenant_idx ON budget_pools (tenant_id)`);
    // The unique key makes "one alert per pool, period and threshold" hold across processes.
    // A job pool's period key is `job:<job id>` (each job is its own period), hence 64.
    await q.query(`
      CREATE TABLE budget_alerts (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        pool_id uuid NOT NULL REFERENCES budget_pools(id) ON DELETE CASCADE,
        tenant_id uuid NOT NULL,
        period_key varchar(64) NOT NULL,
        threshold smallint NOT NULL,
        spent_micros bigint NOT NULL,
        limit_micros bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT budget_alerts_once_uq UNIQUE (pool_id, period_key, threshold)
      )`);
    await q.query(
      `CREATE INDEX budget_alerts_tenant_created_idx ON budget_alerts (tenant_id, created_at DESC)`,
    );
    await q.query(`ALTER TABLE jobs
      ADD COLUMN api_key_id uuid NULL,
      ADD COLUMN budget_policy varchar(8) NULL CHECK (budget_policy IN ('fail', 'defer'))`);
    await q.query(`ALTER TABLE llm_invocations ADD COLUMN api_key_id uuid NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE llm_invocations DROP COLUMN api_key_id`);
    await q.query(`ALTER TABLE jobs DROP COLUMN budget_policy, DROP COLUMN api_key_id`);
    await q.query(`DROP TABLE budget_alerts`);
    await q.query(`DROP TABLE budget_pools`);
  }
}
