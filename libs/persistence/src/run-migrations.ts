import type { DatabaseConfig } from '@switchboard/config';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

// Any constant works; it only has to be the same in every process that migrates.
const MIGRATION_LOCK = 734_201;

/**
 * Creates the schema if needed and applies pending migrations. An advisory lock makes it
 * safe when several processes start at once. Returns the names of the migrations applied.
 */
export async function runMigrations(config: DatabaseConfig): Promise<string[]> {
  const dataSource = new DataSource({
    ...dataSourceOptions(config, 'switchboard-migrate'),
    poolSize: 2,
  });
  await dataSource.initialize();
  // The lock is per session, so take and release it on one dedicated connection.
  const lock = dataSource.createQueryRunner();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await lock.query(`CREATE SCHEMA IF NOT EXISTS "${config.schema}"`);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.release();
    await dataSource.destroy();
  }
}
