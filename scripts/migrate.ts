// `npm run migrate`: applies pending TypeORM migrations to DATABASE_URL / DATABASE_SCHEMA.
import { loadConfig } from '@switchboard/config';
import { runMigrations } from '@switchboard/persistence';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const applied = await runMigrations(config.database);
  process.stdout.write(
    applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`migration failed: ${(error as Error).message}\n`);
  process.exit(1);
});
