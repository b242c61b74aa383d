import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per tool call of a tool loop (`tool_invocations`), and the tool allowlist a job
 * narrowed its role's to (`jobs.allowed_tools`). Argument values are kept only when
 * TOOLS_LOG_ARGUMENTS is set (`arguments`); sizes always. Like llm_invocations, no CHECK on
 * `outcome`: it may grow new values without a migration.
 */
export class ToolInvocations1764400000000 implements MigrationInterface {
  name = 'ToolInvocations1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE jobs ADD COLUMN allowed_tools jsonb NULL`);
    await q.query(`
      CREATE TABLE tool_invocations (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id uuid NOT NULL,
        job_id uuid NOT NULL,
        tool varchar(128) NOT NULL,
        server varchar(64) NOT NULL,
        turn smallint NOT NULL,
        duration_ms integer NOT NULL,
        outcome varchar(24) NOT NULL,
        error_class varchar(64),
        argument_bytes integer NOT NULL,
        result_bytes integer NOT NULL,
        arguments jsonb,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX tool_invocations_job_idx ON tool_invocations (job_id)`);
    await q.query(
      `CREATE INDEX tool_invocations_tenant_created_idx ON tool_invocations (tenant_id, created_at)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE tool_invocations`);
    await q.query(`ALTER TABLE jobs DROP COLUMN allowed_tools`);
  }
}
