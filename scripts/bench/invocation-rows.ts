import type { INestApplicationContext } from '@nestjs/common';
import { BudgetService } from '@switchboard/budget';
import type { Config } from '@switchboard/config';
import { REDIS_CLIENT } from '@switchboard/redis';
import type { Redis } from 'ioredis';
import { Client } from 'pg';

/** What one tenant's jobs left in PostgreSQL and Redis once its side's log was flushed. */
export interface InvocationRowCheck {
  /** Job records of the tenant, and how many completed. */
  jobs: number;
  completed: number;
  /** Invocation rows of the tenant. */
  rows: number;
  /** Jobs with exactly one invocation row, and that row `ok`. */
  exactlyOne: number;
  /** Left in the ledger stream (entries, and entries read but not acknowledged). */
  streamEntries: number;
  pendingEntries: number;
  /** Calls still registered or holding a reservation (the sweeper would log them `lost`). */
  registrations: number;
  ok: boolean;
}

/**
 * Checks that every job of `tenantId` completed with exactly one `ok` invocation row in the
 * schema, and (for the whole scope) that nothing is left in the ledger stream or registered.
 * Call after the log was flushed.
 */
export async function checkInvocationRows(
  app: INestApplicationContext,
  config: Config,
  where: { databaseUrl: string; schema: string; tenantId: string; jobs: number },
): Promise<InvocationRowCheck> {
  const rows = await countRows(where.databaseUrl, where.schema, where.tenantId);
  const ledger = await ledgerLeftovers(app, config);
  const ok =
    rows.jobs === where.jobs &&
    rows.completed === where.jobs &&
    rows.rows === where.jobs &&
    rows.exactlyOne === where.jobs &&
    ledger.streamEntries === 0 &&
    ledger.pendingEntries === 0 &&
    ledger.registrations === 0;
  return { ...rows, ...ledger, ok };
}

async function countRows(
  databaseUrl: string,
  schema: string,
  tenantId: string,
): Promise<Pick<InvocationRowCheck, 'jobs' | 'completed' | 'rows' | 'exactlyOne'>> {
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  try {
    const { rows } = await pg.query<Record<'jobs' | 'completed' | 'rows' | 'one', string>>(
      `WITH per_job AS (
         SELECT j.id, j.status, count(i.id) AS n, count(i.id) FILTER (WHERE i.outcome = 'ok') AS ok
         FROM "${schema}".jobs j LEFT JOIN "${schema}".llm_invocations i ON i.job_id = j.id
         WHERE j.tenant_id = $1 GROUP BY j.id, j.status)
       SELECT count(*) AS jobs,
              count(*) FILTER (WHERE status = 'completed') AS completed,
              (SELECT count(*) FROM "${schema}".llm_invocations WHERE tenant_id = $1) AS rows,
              count(*) FILTER (WHERE n = 1 AND ok = 1) AS one
       FROM per_job`,
      [tenantId],
    );
    const r = rows[0];
    return {
      jobs: Number(r.jobs),
      completed: Number(r.completed),
      rows: Number(r.rows),
      exactlyOne: Number(r.one),
    };
  } finally {
    await pg.end();
  }
}

async function ledgerLeftovers(
  app: INestApplicationContext,
  config: Config,
): Promise<Pick<InvocationRowCheck, 'streamEntries' | 'pendingEntries' | 'registrations'>> {
  const redis = app.get<Redis>(REDIS_CLIENT);
  const stream = app.get(BudgetService).invocationStream;
  const streamEntries = await redis.xlen(stream);
  // XPENDING's summary form: [count, first id, last id, consumers]; no group yet: none read.
  const pending = (await redis.xpending(stream, 'drain').catch(() => [0])) as [number];
  // The budget's reservation index (libs/budget BudgetKeys.reservations).
  const registrations = await redis.zcard(`${config.redis.prefix}:budget:reservations`);
  return { streamEntries, pendingEntries: Number(pending[0] ?? 0), registrations };
}
