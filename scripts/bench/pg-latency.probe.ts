import { Client } from 'pg';
import { progress } from './bench-output';
import type { BenchSettings } from './bench-settings';
import { withLegScope } from './leg-isolation';

const ROUNDS = 300;

export interface PgLatency {
  /** Mean of a bare round trip (SELECT 1), in ms. */
  roundTripMs: number;
  /** Mean of an autocommitted one-row UPDATE, i.e. a round trip plus a WAL flush, in ms. */
  commitMs: number;
}

/**
 * The floor under every job record write: the worker wrapper commits twice per job, so at
 * concurrency 1 the platform cannot beat 1 / (2 × commitMs) whatever the code does.
 */
export async function probePgLatency(settings: BenchSettings): Promise<PgLatency> {
  return withLegScope(settings, 'pgprobe', true, async (scope) => {
    const pg = new Client({ connectionString: settings.databaseUrl });
    await pg.connect();
    try {
      const table = `"${scope.schema}".probe`;
      await pg.query(`CREATE TABLE ${table} (id int PRIMARY KEY, n int NOT NULL)`);
      await pg.query(`INSERT INTO ${table} VALUES (1, 0)`);
      const mean = async (sql: string) => {
        const started = performance.now();
        for (let i = 0; i < ROUNDS; i++) await pg.query(sql);
        return (performance.now() - started) / ROUNDS;
      };
      const roundTripMs = await mean('SELECT 1');
      const commitMs = await mean(`UPDATE ${table} SET n = n + 1 WHERE id = 1`);
      progress(
        `postgres: ${roundTripMs.toFixed(2)} ms per round trip, ${commitMs.toFixed(2)} ms per commit`,
      );
      return { roundTripMs, commitMs };
    } finally {
      await pg.end();
    }
  });
}
