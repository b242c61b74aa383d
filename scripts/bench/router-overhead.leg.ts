import type { INestApplicationContext } from '@nestjs/common';
import { TenantsService } from '@switchboard/auth';
import { BudgetService } from '@switchboard/budget';
import { InvocationLog } from '@switchboard/llm';
import { REDIS_CLIENT } from '@switchboard/redis';
import type { Redis } from 'ioredis';
import { benchPools, createPools, verifyPools, type BudgetCheck } from './bench-budgets';
import { fixed, progress } from './bench-output';
import { platformEnv, type BenchSettings } from './bench-settings';
import { withFakeOpenAi } from './fake-openai';
import { timeInterleaved, type InterleavedPlan } from './interleaved-timing';
import type { LatencySummary } from './latency-stats';
import { invocationOutcomeCounts, withLegScope } from './leg-isolation';
import { withPlatformContext } from './platform-context';
import { RouterBenchModule } from './router-bench.module';
import {
  buildRouterRig,
  chatPaths,
  redisPaths,
  streamPaths,
  type CallPath,
  type RedisPath,
  type RigBudget,
} from './router-paths';

/**
 * Short enough that every path gets many turns, long enough that a path's own background
 * work (an unawaited gate update, a batched log write) mostly falls in its own round.
 */
const ROUND_SIZE = 100;

export type CallFigures = Record<CallPath, LatencySummary>;

export interface RouterOverheadResult {
  plan: InterleavedPlan;
  chat: CallFigures;
  stream: CallFigures;
  /** The awaited Redis steps (gate acquire; budget reserve + settle) next to a bare PING. */
  redis: Record<RedisPath, LatencySummary>;
  /** Invocation rows written by the router's calls (warm-up included), all `ok`. */
  rows: number;
  /** The budgeted path's pool, checked against the invocation log afterwards. */
  budget: BudgetCheck;
}

/**
 * The router's cost per call: the same chat request to an in-process fake OpenAI server, made
 * sequentially through the official SDK directly (the baseline), through the router's adapter
 * alone, through LlmRouter with its real provider gate (Redis) and invocation log
 * (PostgreSQL), and through the same with budgets (a tenant with one pool); then the same for
 * streams. Fails unless every routed call left an `ok` row and the pool counted their cost.
 */
export async function routerOverheadLeg(settings: BenchSettings): Promise<RouterOverheadResult> {
  const calls = settings.routerCalls;
  const plan = { calls, roundSize: ROUND_SIZE, warmUp: Math.max(50, Math.round(calls / 10)) };
  return withLegScope(settings, 'router', true, (scope) =>
    withFakeOpenAi('in-process', async (fake) => {
      const env = {
        ...platformEnv(settings, scope, 'warn'),
        LLM_CATALOGUE_FILE: fake.catalogueFile,
      };
      return withPlatformContext(
        env,
        async (app, config) => {
          const invocations = app.get(InvocationLog);
          const budget = await budgetTenant(app);
          const rig = buildRouterRig(config, app.get<Redis>(REDIS_CLIENT), invocations, budget);
          progress(`router: ${calls} chat calls per path (+${plan.warmUp} warm-up), interleaved`);
          const chat = await timeInterleaved(chatPaths(rig), plan);
          progress(`router: chat ${describe(chat)}; now streams`);
          const stream = await timeInterleaved(streamPaths(rig), plan);
          progress(`router: stream ${describe(stream)}; now the Redis round trips alone`);
          const redis = await timeInterleaved(redisPaths(rig), plan);
          await invocations.flush();
          const outcomes = await invocationOutcomeCounts(settings.databaseUrl, scope.schema);
          const rows = Object.values(outcomes).reduce((a, b) => a + b, 0);
          if (outcomes.ok !== rig.routed || rows !== rig.routed) {
            throw new Error(
              `router leg: ${rig.routed} routed calls but invocation rows ${JSON.stringify(outcomes)}`,
            );
          }
          const where = {
            databaseUrl: settings.databaseUrl,
            schema: scope.schema,
            tenantId: budget.tenantId,
            expectedPools: 1,
          };
          const checked = await verifyPools(app, where, 'router leg');
          progress(
            `router: ${rows} invocation rows written, all ok; the pool counted ` +
              `${checked.spentMicros} µ$ = the log, 0 reserved`,
          );
          return { plan, chat, stream, redis, rows, budget: checked };
        },
        RouterBenchModule,
      );
    }),
  );
}

/** A tenant whose one pool (daily, hard, far above what the leg spends) every call reserves in. */
async function budgetTenant(app: INestApplicationContext): Promise<RigBudget> {
  const tenant = await app.get(TenantsService).createTenant('bench-router-budget', 'bench');
  await createPools(app, benchPools('router', tenant.id, null));
  return { service: app.get(BudgetService), tenantId: tenant.id };
}

function describe(figures: CallFigures): string {
  const { direct, router, budgeted } = figures;
  const over = (path: typeof router) => {
    const ms = path.medianMs - direct.medianMs;
    return `${ms >= 0 ? '+' : ''}${fixed(ms, 3)} ms`;
  };
  return (
    `median direct ${fixed(direct.medianMs, 3)} ms, router ${over(router)}, ` +
    `with budgets ${over(budgeted)}`
  );
}
