import type { INestApplicationContext } from '@nestjs/common';
import {
  BudgetPoolsRepository,
  BudgetService,
  type BudgetPool,
  type NewBudgetPool,
} from '@switchboard/budget';
import { invocationCostMicros } from './leg-isolation';

/**
 * Limits far above anything a leg spends (a call costs a few µ$, and at most 50 × ~2,500 µ$
 * are held at once), so no call is refused or shortened: the legs measure the bookkeeping.
 */
const DAILY_LIMIT_MICROS = 1_000_000_000; // $1,000
const MONTHLY_LIMIT_MICROS = 10_000_000_000; // $10,000

export type BenchPoolSet = 'worker' | 'router';

/**
 * The worker legs' pools: every call reserves in all three, as a tenant with a daily hard
 * cap, a monthly soft one and a cap on the submitting key would. The router leg's: one.
 */
export function benchPools(
  set: BenchPoolSet,
  tenantId: string,
  apiKeyId: string | null,
): NewBudgetPool[] {
  const daily: NewBudgetPool = {
    tenantId,
    scope: 'tenant',
    period: 'daily',
    limitMicros: DAILY_LIMIT_MICROS,
    mode: 'hard',
  };
  if (set === 'router') return [daily];
  return [
    daily,
    {
      tenantId,
      scope: 'tenant',
      period: 'monthly',
      limitMicros: MONTHLY_LIMIT_MICROS,
      mode: 'soft',
    },
    {
      tenantId,
      scope: 'api_key',
      apiKeyId,
      period: 'daily',
      limitMicros: DAILY_LIMIT_MICROS,
      mode: 'hard',
    },
  ];
}

/** Creates the pools as an operator would (through the repository), then drops the cache. */
export async function createPools(
  app: INestApplicationContext,
  pools: NewBudgetPool[],
): Promise<BudgetPool[]> {
  const repository = app.get(BudgetPoolsRepository);
  const created: BudgetPool[] = [];
  for (const pool of pools) created.push(await repository.create(pool));
  for (const tenantId of new Set(pools.map((p) => p.tenantId))) {
    app.get(BudgetService).invalidate(tenantId);
  }
  return created;
}

/** What a budgets-on leg left in its pools: proof that every call was really budgeted. */
export interface BudgetCheck {
  pools: number;
  /** µ$ counted in each pool; equal to the invocation log's sum. */
  spentMicros: number;
}

/**
 * Fails unless every pool of the tenant counted, in Redis, exactly the cost the invocation log
 * holds for it, with nothing still reserved. Call after the log's buffer was flushed.
 */
export async function verifyPools(
  app: INestApplicationContext,
  where: { databaseUrl: string; schema: string; tenantId: string; expectedPools: number },
  name: string,
): Promise<BudgetCheck> {
  const statuses = await app.get(BudgetService).status(where.tenantId);
  const logged = await invocationCostMicros(where.databaseUrl, where.schema, where.tenantId);
  const wrong = statuses.filter((s) => s.spentMicros !== logged || s.reservedMicros !== 0);
  if (statuses.length !== where.expectedPools || wrong.length > 0 || logged <= 0) {
    const shown = statuses.map(
      (s) =>
        `${s.pool.scope}/${s.pool.period} ${s.periodKey}: spent ${s.spentMicros}, ` +
        `reserved ${s.reservedMicros}`,
    );
    throw new Error(
      `${name}: budgets were not kept: invocation log ${logged} µ$, ` +
        `${statuses.length}/${where.expectedPools} pools [${shown.join('; ')}]`,
    );
  }
  return { pools: statuses.length, spentMicros: logged };
}
