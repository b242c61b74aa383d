import type { INestApplicationContext } from '@nestjs/common';
import type { Config } from '@switchboard/config';
import { fixed, progress } from './bench-output';
import { platformEnv, type BenchSettings, type LegScope } from './bench-settings';
import { withLegScope } from './leg-isolation';
import { withStdoutToDevNull, type LogSinkStats } from './log-sink';
import { withPlatformContext } from './platform-context';
import {
  checkBudgetCommands,
  checkLegRows,
  createSubmitter,
  submitAndDrain,
} from './platform-drain';
import type { WorkerLegResult } from './raw-bullmq.leg';

const LABEL = 'Platform: JobRunner + chat actor + simulated LLM';

export interface PlatformLegSpec {
  concurrency: number;
  jobs: number;
  /** LOG_LEVEL=log with stdout sent to /dev/null, instead of warn. */
  logs: boolean;
}

export interface PlatformLegResult extends WorkerLegResult {
  /**
   * `simulated`: the built-in catalogue's in-process provider (this leg). `routed`: a
   * catalogue whose one tier-1 model is served by a fake OpenAI server, reached through the
   * router, the provider gate and the official SDK over HTTP (budget-pair.leg.ts).
   */
  llm: 'simulated' | 'routed';
  logs: LogSinkStats | undefined;
}

/**
 * Chat jobs through the real path: records and enqueues via JobSubmissionService (untimed),
 * then a worker whose processor is JobRunner.run, the chat actor and the router, with the
 * simulated provider. Every LLM call is logged; the leg fails unless each job left one `ok`
 * invocation row. The tenant has no budget pool.
 */
export async function platformWorkerLeg(
  settings: BenchSettings,
  spec: PlatformLegSpec,
  round = 0,
): Promise<PlatformLegResult> {
  const { concurrency, logs } = spec;
  const leg = `sb${round}_c${concurrency}${logs ? '_logs' : ''}`;
  return withLegScope(settings, leg, true, async (scope) => {
    const env = platformEnv(settings, scope, logs ? 'log' : 'warn');
    const run = () =>
      withPlatformContext(env, (app, config) => drainPlatform(app, config, scope, settings, spec));
    const llm = 'simulated';
    if (!logs) return { ...(await run()), llm, logs: undefined };
    const { value, stats } = await withStdoutToDevNull(run);
    progress(
      `platform c=${concurrency} with logs: ${stats.lines} log lines (${stats.bytes} bytes) written`,
    );
    return { ...value, llm, logs: stats };
  });
}

async function drainPlatform(
  app: INestApplicationContext,
  config: Config,
  scope: LegScope,
  settings: BenchSettings,
  { concurrency, jobs }: PlatformLegSpec,
): Promise<WorkerLegResult> {
  const name = `platform c=${concurrency}`;
  const who = await createSubmitter(app, `bench-${scope.schema}`);
  const drained = await submitAndDrain(app, config, who, { jobs, concurrency, name });
  await checkLegRows(settings, scope.schema, jobs, name);
  // The tenant has no budget pool: the router asks, and nothing goes to Redis.
  checkBudgetCommands(name, drained.commands, false);
  const jobsPerSecond = (jobs / drained.ms) * 1000;
  progress(
    `${name}: ${fixed(jobsPerSecond)} jobs/s, ${jobs} records completed, ${jobs} ok invocations`,
  );
  return {
    label: LABEL,
    concurrency,
    jobs,
    ms: drained.ms,
    jobsPerSecond,
    preparePerSecond: (jobs / drained.prepareMs) * 1000,
    commands: drained.commands,
  };
}
