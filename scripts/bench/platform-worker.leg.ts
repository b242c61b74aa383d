import type { INestApplicationContext } from '@nestjs/common';
import { JobRunner } from '@switchboard/actors';
import { TenantsService } from '@switchboard/auth';
import type { Config } from '@switchboard/config';
import { JobSubmissionService } from '@switchboard/queue';
import { fixed, progress } from './bench-output';
import { platformEnv, type BenchSettings, type LegScope } from './bench-settings';
import { CHAT_MAILBOX, CHAT_REQUEST } from './chat-job.fixture';
import { jobStatusCounts, withLegScope } from './leg-isolation';
import { withStdoutToDevNull, type LogSinkStats } from './log-sink';
import { withPlatformContext } from './platform-context';
import type { WorkerLegResult } from './raw-bullmq.leg';
import { runParallel } from './run-parallel';
import { timedDrain } from './timed-drain';

const SUBMIT_PARALLELISM = 50;

export interface PlatformLegResult extends WorkerLegResult {
  logs: LogSinkStats | undefined;
}

/**
 * Chat jobs through the real path: records and enqueues via JobSubmissionService (untimed),
 * then a worker whose processor is JobRunner.run, the chat actor and the simulated provider.
 */
export async function platformWorkerLeg(
  settings: BenchSettings,
  concurrency: number,
  jobs: number,
  logs: boolean,
  round = 0,
): Promise<PlatformLegResult> {
  const leg = `sb${round}_c${concurrency}${logs ? '_logs' : ''}`;
  return withLegScope(settings, leg, true, async (scope) => {
    const env = platformEnv(settings, scope, logs ? 'log' : 'warn');
    const run = () =>
      withPlatformContext(env, (app, config) =>
        drainPlatform(app, config, scope, settings, concurrency, jobs),
      );
    if (!logs) return { ...(await run()), logs: undefined };
    const { value, stats } = await withStdoutToDevNull(run);
    progress(
      `platform c=${concurrency} with logs: ${stats.lines} log lines (${stats.bytes} bytes) written`,
    );
    return { ...value, logs: stats };
  });
}

async function drainPlatform(
  app: INestApplicationContext,
  config: Config,
  scope: LegScope,
  settings: BenchSettings,
  concurrency: number,
  jobs: number,
): Promise<WorkerLegResult> {
  const tenant = await app.get(TenantsService).createTenant(`bench-${scope.schema}`, 'bench');
  const submission = app.get(JobSubmissionService);
  const started = performance.now();
  await runParallel(jobs, SUBMIT_PARALLELISM, () => submission.submit(tenant.id, CHAT_REQUEST));
  const prepareMs = performance.now() - started;
  const preparePerSecond = (jobs / prepareMs) * 1000;
  progress(
    `platform c=${concurrency}: ${jobs} jobs submitted (${fixed(preparePerSecond)}/s), draining`,
  );
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
    throw new Error(`platform leg: ${drained.failed} jobs failed, first: ${drained.firstFailure}`);
  }
  const counts = await jobStatusCounts(settings.databaseUrl, scope.schema);
  if (counts.completed !== jobs) {
    throw new Error(
      `platform leg: job records are ${JSON.stringify(counts)}, expected ${jobs} completed`,
    );
  }
  const jobsPerSecond = (jobs / drained.ms) * 1000;
  progress(`platform c=${concurrency}: ${fixed(jobsPerSecond)} jobs/s, ${jobs} records completed`);
  return {
    label: 'Platform: JobRunner + chat actor + simulated LLM',
    concurrency,
    jobs,
    ms: drained.ms,
    jobsPerSecond,
    preparePerSecond,
  };
}
