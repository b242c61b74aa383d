import type { INestApplicationContext } from '@nestjs/common';
import { JobRunner } from '@switchboard/actors';
import { TenantsService } from '@switchboard/auth';
import type { Config } from '@switchboard/config';
import { InvocationLog } from '@switchboard/llm';
import { JobSubmissionService } from '@switchboard/queue';
import { fixed, progress } from './bench-output';
import { platformEnv, type BenchSettings, type LegScope } from './bench-settings';
import { CHAT_MAILBOX, CHAT_REQUEST } from './chat-job.fixture';
import { withFakeOpenAi } from './fake-openai';
import { invocationOutcomeCounts, jobStatusCounts, withLegScope } from './leg-isolation';
import { withStdoutToDevNull, type LogSinkStats } from './log-sink';
import { withPlatformContext } from './platform-context';
import type { WorkerLegResult } from './raw-bullmq.leg';
import { runParallel } from './run-parallel';
import { timedDrain } from './timed-drain';

const SUBMIT_PARALLELISM = 50;

const LABELS = {
  simulated: 'Platform: JobRunner + chat actor + simulated LLM',
  routed: 'Platform: JobRunner + chat actor + router → fake OpenAI over HTTP',
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
}

export interface PlatformLegResult extends WorkerLegResult {
  llm: PlatformLegSpec['llm'];
  logs: LogSinkStats | undefined;
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
  const { concurrency, logs, llm } = spec;
  const leg = `sb${round}_c${concurrency}${logs ? '_logs' : ''}${llm === 'routed' ? '_rt' : ''}`;
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
    if (!logs) return { ...(await routedOrNot()), llm, logs: undefined };
    const { value, stats } = await withStdoutToDevNull(routedOrNot);
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
  { concurrency, jobs, llm }: PlatformLegSpec,
): Promise<WorkerLegResult> {
  const name = `platform${llm === 'routed' ? ' routed' : ''} c=${concurrency}`;
  const tenant = await app.get(TenantsService).createTenant(`bench-${scope.schema}`, 'bench');
  const submission = app.get(JobSubmissionService);
  const started = performance.now();
  await runParallel(jobs, SUBMIT_PARALLELISM, () => submission.submit(tenant.id, CHAT_REQUEST));
  const prepareMs = performance.now() - started;
  const preparePerSecond = (jobs / prepareMs) * 1000;
  progress(`${name}: ${jobs} jobs submitted (${fixed(preparePerSecond)}/s), draining`);
  const runner = app.get(JobRunner);
  const drained = await timedDrain({
    mailbox: CHAT_MAILBOX,
    prefix: config.redis.prefix,
    redisUrl: config.redis.url,
    worker: config.worker,
    concurrency,
    expected: jobs,
    processor: (job, token) => runner.run(job, token),
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
  const jobsPerSecond = (jobs / drained.ms) * 1000;
  progress(
    `${name}: ${fixed(jobsPerSecond)} jobs/s, ${jobs} records completed, ${jobs} ok invocations`,
  );
  return {
    label: LABELS[llm],
    concurrency,
    jobs,
    ms: drained.ms,
    jobsPerSecond,
    preparePerSecond,
  };
}
