import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The API key that set a key pool: a key changes only the key pools it created. Pools set
 * before this column existed record no key, so only the operator may change them.
 */
export class BudgetPoolCreatorKey1764300000000 implements MigrationInterface {
  name = 'BudgetPoolCreatorKey1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE budget_pools
      ADD COLUMN created_by_key_id uuid NULL REFERENCES api_keys(id) ON DELETE SET NULL,
      ADD CONSTRAINT budget_pools_creator_key_chk
        CHECK (created_by_key_id IS NULL OR created_by = 'tenant')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE budget_pools DROP COLUMN created_by_key_id`);
  }
}
