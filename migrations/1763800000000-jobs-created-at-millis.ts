import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Job listings page by (created_at, id). Cursors carry JavaScript dates (milliseconds), so
 * created_at is kept at millisecond precision too; with microseconds, jobs created in the same
 * millisecond as a page's last job were skipped.
 */
export class JobsCreatedAtMillis1763800000000 implements MigrationInterface {
  name = 'JobsCreatedAtMillis1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE jobs ALTER COLUMN created_at TYPE timestamptz(3)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE jobs ALTER COLUMN created_at TYPE timestamptz`);
  }
}
