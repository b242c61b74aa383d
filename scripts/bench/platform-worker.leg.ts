import type { INestApplicationContext } from '@nestjs/common';
import { JobRunner } from '@switchboard/actors';
import { TenantsService } from '@switchboard/auth';
import type { Config } from '@switchboard/config';
import { InvocationLog } from '@switchboard/llm';
import { JobSubmissionService } from '@switchboard/queue';
import { REDIS_CLIENT } from '@switchboard/redis';
import type { Redis } from 'ioredis';
import { benchPools, createPools, verifyPools, type BudgetCheck } from './bench-budgets';
import { fixed, progress } from './bench-output';
import { platformEnv, type BenchSettings, type LegScope } from './bench-settings';
import { CHAT_MAILBOX, CHAT_REQUEST } from './chat-job.fixture';
import { withFakeOpenAi } from './fake-openai';
import { invocationOutcomeCounts, jobStatusCounts, withLegScope } from './leg-isolation';
import { withStdoutToDevNull, type LogSinkStats } from './log-sink';
import { withPlatformContext } from './platform-context';
import type { WorkerLegResult } from './raw-bullmq.leg';
import { RedisCensus, type CommandTally } from './redis-census';
import { runParallel } from './run-parallel';
import { timedDrain } from './timed-drain';

const SUBMIT_PARALLELISM = 50;

const LABELS = {
  simulated: 'Platform: JobRunner + chat actor + simulated LLM',
  routed: 'Platform: JobRunner + chat actor + router → fake OpenAI over HTTP',
  budgeted: 'Platform routed (as above), budgets on: 3 pools per call',
};

export interface PlatformLegSpec {
  concurrency: number;
  jobs: number;
  /** LOG_LEVEL=log with stdout sent to /dev/null, instead of warn. */
  logs: boolean;
  /**
   * `simulated`: the built-in catalogue's in-process provider. `routed`: a catalogue whose one
   * tier-1 model is served by a fake OpenAI server, reached through the router, the provider
   * gate and the official SDK over HTTP.
   */
  llm: 'simulated' | 'routed';
  /**
   * The bench tenant has budget pools that apply to every call (a daily hard and a monthly
   * soft tenant pool, a daily hard pool on the submitting key), so the router reserves before
   * each call and settles after it. Off, it has none: the budget is asked, finds no pool in its
   * cache, and sends nothing to Redis, as for any tenant without budgets.
   */
  budgets: boolean;
}

export interface PlatformLegResult extends WorkerLegResult {
  llm: PlatformLegSpec['llm'];
  budgets: boolean;
  logs: LogSinkStats | undefined;
  /** Budgets on: what the pools counted, checked against the invocation log. */
  budgetCheck: BudgetCheck | undefined;
}

/**
 * Chat jobs through the real path: records and enqueues via JobSubmissionService (untimed),
 * then a worker whose processor is JobRunner.run, the chat actor and the router. Either way
 * every LLM call is logged; the leg fails unless each job left one `ok` invocation row.
 */
export async function platformWorkerLeg(
  settings: BenchSettings,
  spec: PlatformLegSpec,
  round = 0,
): Promise<PlatformLegResult> {
  const { concurrency, logs, llm, budgets } = spec;
  const tags = `${logs ? '_logs' : ''}${llm === 'routed' ? '_rt' : ''}${budgets ? '_bg' : ''}`;
  const leg = `sb${round}_c${concurrency}${tags}`;
  return withLegScope(settings, leg, true, async (scope) => {
    const env = platformEnv(settings, scope, logs ? 'log' : 'warn');
    const run = (extraEnv: Record<string, string>) =>
      withPlatformContext({ ...env, ...extraEnv }, (app, config) =>
        drainPlatform(app, config, scope, settings, spec),
      );
    const routedOrNot = () =>
      llm === 'routed'
        ? withFakeOpenAi('child-process', (fake) => run({ LLM_CATALOGUE_FILE: fake.catalogueFile }))
        : run({});
    if (!logs) return { ...(await routedOrNot()), llm, budgets, logs: undefined };
    const { value, stats } = await withStdoutToDevNull(routedOrNot);
    progress(
      `platform c=${concurrency} with logs: ${stats.lines} log lines (${stats.bytes} bytes) written`,
    );
    return { ...value, llm, budgets, logs: stats };
  });
}

async function drainPlatform(
  app: INestApplicationContext,
  config: Config,
  scope: LegScope,
  settings: BenchSettings,
  { concurrency, jobs, llm, budgets }: PlatformLegSpec,
): Promise<WorkerLegResult & { budgetCheck: BudgetCheck | undefined }> {
  const name = `platform${llm === 'routed' ? ' routed' : ''}${budgets ? ' budgets' : ''} c=${concurrency}`;
  const tenants = app.get(TenantsService);
  const tenant = await tenants.createTenant(`bench-${scope.schema}`, 'bench');
  // As POST /v1/jobs submits them: each job carries the id of the key that submitted it.
  const apiKey = await tenants.createApiKey(tenant.id, 'bench', 'bench');
  const pools = budgets ? await createPools(app, benchPools('worker', tenant.id, apiKey.id)) : [];
  const submission = app.get(JobSubmissionService);
  const started = performance.now();
  await runParallel(jobs, SUBMIT_PARALLELISM, () =>
    submission.submit(tenant.id, CHAT_REQUEST, { apiKeyId: apiKey.id }),
  );
  const prepareMs = performance.now() - started;
  const preparePerSecond = (jobs / prepareMs) * 1000;
  progress(`${name}: ${jobs} jobs submitted (${fixed(preparePerSecond)}/s), draining`);
  const runner = app.get(JobRunner);
  const census = new RedisCensus();
  census.watch(app.get<Redis>(REDIS_CLIENT), 'platform');
  const drained = await timedDrain({
    mailbox: CHAT_MAILBOX,
    prefix: config.redis.prefix,
    redisUrl: config.redis.url,
    worker: config.worker,
    concurrency,
    expected: jobs,
    processor: (job, token) => runner.run(job, token),
    census,
  });
  if (drained.failed > 0) {
    throw new Error(`${name}: ${drained.failed} jobs failed, first: ${drained.firstFailure}`);
  }
  const counts = await jobStatusCounts(settings.databaseUrl, scope.schema);
  if (counts.completed !== jobs) {
    throw new Error(
      `${name}: job records are ${JSON.stringify(counts)}, expected ${jobs} completed`,
    );
  }
  // Untimed: the rows still buffered are written now, then counted.
  await app.get(InvocationLog).flush();
  const outcomes = await invocationOutcomeCounts(settings.databaseUrl, scope.schema);
  if (outcomes.ok !== jobs || Object.keys(outcomes).length !== 1) {
    throw new Error(`${name}: invocation rows ${JSON.stringify(outcomes)}, expected ${jobs} ok`);
  }
  checkBudgetCommands(name, drained.commands, budgets);
  const budgetCheck = budgets
    ? await verifyPools(
        app,
        {
          databaseUrl: settings.databaseUrl,
          schema: scope.schema,
          tenantId: tenant.id,
          expectedPools: pools.length,
        },
        name,
      )
    : undefined;
  const jobsPerSecond = (jobs / drained.ms) * 1000;
  const kept = budgetCheck
    ? `, ${budgetCheck.pools} pools each counted ${budgetCheck.spentMicros} µ$ = the log, 0 reserved`
    : '';
  progress(
    `${name}: ${fixed(jobsPerSecond)} jobs/s, ${jobs} records completed, ${jobs} ok invocations${kept}`,
  );
  return {
    label: LABELS[budgets ? 'budgeted' : llm],
    concurrency,
    jobs,
    ms: drained.ms,
    jobsPerSecond,
    preparePerSecond,
    commands: drained.commands,
    budgetCheck,
  };
}

/** Budgets on: one reservation and one settlement per call, seen on the wire; off: none. */
function checkBudgetCommands(name: string, tally: CommandTally, budgets: boolean): void {
  const reserves = tally.counts.platform['budget reserve'] ?? 0;
  const settles = tally.counts.platform['budget settle'] ?? 0;
  const expected = budgets ? tally.jobs : 0;
  if (reserves !== expected || settles !== expected) {
    throw new Error(
      `${name}: ${reserves} reservations and ${settles} settlements sent to Redis for ` +
        `${tally.jobs} calls, expected ${expected} of each`,
    );
  }
}
