import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The nil uuid stands for "no tenant" in the rollup, whose primary key cannot hold NULLs. */
const NO_TENANT = '00000000-0000-0000-0000-000000000000';

/**
 * The LLM invocation log (one slim row per call attempt, written in batches) and its daily
 * rollup. No CHECK constraints on the log: one odd value must not fail a whole batch, and
 * `outcome` / `call_kind` grow new values without a migration.
 */
export class LlmInvocations1763900000000 implements MigrationInterface {
  name = 'LlmInvocations1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE llm_invocations (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        created_at timestamptz(3) NOT NULL,
        job_id uuid,
        trace_id varchar(64),
        tenant_id uuid,
        role varchar(32),
        tier smallint NOT NULL,
        provider varchar(64) NOT NULL,
        model varchar(200) NOT NULL,
        call_kind varchar(8) NOT NULL,
        attempt smallint NOT NULL,
        outcome varchar(16) NOT NULL,
        error_class varchar(32),
        error_message varchar(500),
        input_tokens integer NOT NULL DEFAULT 0,
        output_tokens integer NOT NULL DEFAULT 0,
        cached_input_tokens integer NOT NULL DEFAULT 0,
        cost_micros bigint NOT NULL DEFAULT 0,
        latency_ms integer NOT NULL,
        ttft_ms integer,
        prompt jsonb
      )`);
    // BRIN: the table is append-only and rows arrive nearly in created_at order (a call's start,
    // written within a flush interval of its end), so block ranges stay tight. It is a few
    // pages instead of a B-tree as large as the data, costs inserts almost nothing, and serves
    // the range scans of the rollup and the reports. Long calls only widen a range a little.
    await q.query(
      `CREATE INDEX llm_invocations_created_brin ON llm_invocations USING brin (created_at)`,
    );
    await q.query(
      `CREATE INDEX llm_invocations_tenant_created_idx ON llm_invocations (tenant_id, created_at)`,
    );
    await q.query(
      `CREATE INDEX llm_invocations_job_idx ON llm_invocations (job_id) WHERE job_id IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE llm_invocations_daily (
        day date NOT NULL,
        tenant_id uuid NOT NULL DEFAULT '${NO_TENANT}',
        role varchar(32) NOT NULL DEFAULT '',
        tier smallint NOT NULL,
        provider varchar(64) NOT NULL,
        model varchar(200) NOT NULL,
        outcome varchar(16) NOT NULL,
        calls bigint NOT NULL,
        input_tokens bigint NOT NULL,
        output_tokens bigint NOT NULL,
        cached_input_tokens bigint NOT NULL,
        cost_micros bigint NOT NULL,
        latency_ms_sum bigint NOT NULL,
        latency_ms_p50 integer NOT NULL,
        latency_ms_p95 integer NOT NULL,
        latency_ms_p99 integer NOT NULL,
        ttft_ms_p50 integer,
        ttft_ms_p95 integer,
        ttft_ms_p99 integer,
        refreshed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (day, tenant_id, role, tier, provider, model, outcome)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE llm_invocations_daily`);
    await q.query(`DROP TABLE llm_invocations`);
  }
}
