import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A job's durable steps (send, spawn, once), one row per step position, so that a long agent
 * loop writes one small row per step instead of growing its BullMQ payload. LLM answers are
 * not here: they stay in Redis, written with the budget settlement. Rows go with their job.
 */
export class JobSteps1764600000000 implements MigrationInterface {
  name = 'JobSteps1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE job_steps (
        job_id uuid NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        position integer NOT NULL CHECK (position >= 0),
        kind varchar(8) NOT NULL CHECK (kind IN ('send', 'spawn', 'once')),
        data jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (job_id, position)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE job_steps`);
  }
}
