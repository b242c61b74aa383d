import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Jobs keep their routing options (escalation ceiling, stream failover) and a trace id. */
export class JobRoutingOptions1763950000000 implements MigrationInterface {
  name = 'JobRoutingOptions1763950000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE jobs
      ADD COLUMN max_tier smallint NULL CHECK (max_tier BETWEEN 0 AND 3),
      ADD COLUMN stream_failover varchar(8) NULL CHECK (stream_failover IN ('fail', 'restart')),
      ADD COLUMN trace_id varchar(64) NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE jobs DROP COLUMN trace_id, DROP COLUMN stream_failover, DROP COLUMN max_tier`,
    );
  }
}
