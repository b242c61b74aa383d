import { runMigrations } from '@switchboard/persistence';
import { redisOptionsFromUrl } from '@switchboard/redis';
import Redis from 'ioredis';
import { Client } from 'pg';
import { legScope, type BenchSettings, type LegScope } from './bench-settings';
import { deferCleanup } from './exit-cleanup';

/**
 * Runs one leg in its own queue prefix and, when `withSchema`, its own migrated schema;
 * both are removed afterwards, whether the leg succeeded or not.
 */
export async function withLegScope<T>(
  settings: BenchSettings,
  leg: string,
  withSchema: boolean,
  body: (scope: LegScope) => Promise<T>,
): Promise<T> {
  const scope = legScope(settings, leg);
  const release = deferCleanup(`scope ${leg}`, async () => {
    await deletePrefixKeys(settings.redisUrl, scope.prefix);
    if (withSchema) await dropSchema(settings.databaseUrl, scope.schema);
  });
  try {
    if (withSchema) {
      await runMigrations({ url: settings.databaseUrl, schema: scope.schema, poolSize: 2 });
    }
    return await body(scope);
  } finally {
    await release();
  }
}

async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  try {
    await pg.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await pg.end();
  }
}

async function deletePrefixKeys(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis({ ...redisOptionsFromUrl(redisUrl), lazyConnect: true });
  let deleted = 0;
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) deleted += await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** Rows per status in a leg's jobs table: proof that the records really moved. */
export async function jobStatusCounts(
  databaseUrl: string,
  schema: string,
): Promise<Record<string, number>> {
  return countBy(
    databaseUrl,
    `SELECT status AS key, count(*) AS n FROM "${schema}".jobs GROUP BY 1`,
  );
}

/** Invocation rows per outcome in a leg's schema: proof that LLM calls were logged. */
export async function invocationOutcomeCounts(
  databaseUrl: string,
  schema: string,
): Promise<Record<string, number>> {
  return countBy(
    databaseUrl,
    `SELECT outcome AS key, count(*) AS n FROM "${schema}".llm_invocations GROUP BY 1`,
  );
}

async function countBy(databaseUrl: string, sql: string): Promise<Record<string, number>> {
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  try {
    const { rows } = await pg.query<{ key: string; n: string }>(sql);
    return Object.fromEntries(rows.map((r) => [r.key, Number(r.n)]));
  } finally {
    await pg.end();
  }
}

/** The sum of `cost_micros` over a leg's invocation rows (of one tenant, if given). */
export async function invocationCostMicros(
  databaseUrl: string,
  schema: string,
  tenantId?: string,
): Promise<number> {
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  try {
    const { rows } = await pg.query<{ sum: string | null }>(
      `SELECT sum(cost_micros) AS sum FROM "${schema}".llm_invocations` +
        (tenantId ? ' WHERE tenant_id = $1' : ''),
      tenantId ? [tenantId] : [],
    );
    return Number(rows[0]?.sum ?? 0);
  } finally {
    await pg.end();
  }
}
