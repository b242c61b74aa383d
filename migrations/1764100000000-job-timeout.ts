import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A job's own timeout (`timeoutMs`, the role's default when null), and when a cancel was
 * requested: from then on only the cancellation may end the job (see JobControlService).
 */
export class JobTimeout1764100000000 implements MigrationInterface {
  name = 'JobTimeout1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE jobs
      ADD COLUMN timeout_ms integer NULL CHECK (timeout_ms > 0),
      ADD COLUMN cancel_requested_at timestamptz NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE jobs DROP COLUMN cancel_requested_at, DROP COLUMN timeout_ms`);
  }
}
