import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each invocation row carries the id of its call attempt (the budget reservation's id), so the
 * durable log can write a row twice (a drain retried after a crash) and keep it once, and so a
 * `lost` row charged for a dead worker's call is replaced when the call's real row arrives.
 * Older rows have none (NULLs never conflict).
 */
export class InvocationIds1764200000000 implements MigrationInterface {
  name = 'InvocationIds1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE llm_invocations ADD COLUMN invocation_id uuid NULL`);
    await q.query(
      `CREATE UNIQUE INDEX llm_invocations_invocation_id_key ON llm_invocations (invocation_id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX llm_invocations_invocation_id_key`);
    await q.query(`ALTER TABLE llm_invocations DROP COLUMN invocation_id`);
  }
}
