import type { INestApplicationContext } from '@nestjs/common';
import { JobRunner } from '@switchboard/actors';
import { TenantsService } from '@switchboard/auth';
import type { Config } from '@switchboard/config';
import { InvocationLog } from '@switchboard/llm';
import { JobSubmissionService } from '@switchboard/queue';
import { REDIS_CLIENT } from '@switchboard/redis';
import type { Redis } from 'ioredis';
import { fixed, progress } from './bench-output';
import type { BenchSettings } from './bench-settings';
import { CHAT_MAILBOX, CHAT_REQUEST } from './chat-job.fixture';
import { DrainCensus, type DrainTally } from './drain-census';
import { invocationOutcomeCounts, jobStatusCounts } from './leg-isolation';
import { runParallel } from './run-parallel';
import { timedDrain } from './timed-drain';

const SUBMIT_PARALLELISM = 50;

/** Whose jobs a drain runs: a tenant, and the key that "submitted" them. */
export interface BenchSubmitter {
  tenantId: string;
  apiKeyId: string;
}

/** A tenant with one API key, as the admin CLI would create them. */
export async function createSubmitter(
  app: INestApplicationContext,
  name: string,
): Promise<BenchSubmitter> {
  const tenants = app.get(TenantsService);
  const tenant = await tenants.createTenant(name, 'bench');
  const key = await tenants.createApiKey(tenant.id, 'bench', 'bench');
  return { tenantId: tenant.id, apiKeyId: key.id };
}

export interface PlatformDrain {
  jobs: number;
  ms: number;
  /** Submitting the jobs (untimed in the leg's figure). */
  prepareMs: number;
  /** Redis commands and worker CPU while timed. */
  commands: DrainTally;
}

/**
 * Records and enqueues `jobs` chat jobs through JobSubmissionService (untimed), each with the
 * submitter's key id as POST /v1/jobs sets it, then times a worker whose processor is
 * JobRunner.run (the chat actor, the router) until all are done, counting the Redis commands
 * of the platform's shared client and of BullMQ's connections. Fails if any job failed.
 */
export async function submitAndDrain(
  app: INestApplicationContext,
  config: Config,
  who: BenchSubmitter,
  spec: {
    jobs: number;
    concurrency: number;
    name: string;
    /** A census the caller set up (to watch more clients); the shared client is added. */
    census?: DrainCensus;
  },
): Promise<PlatformDrain> {
  const { jobs, concurrency, name } = spec;
  const submission = app.get(JobSubmissionService);
  const started = performance.now();
  await runParallel(jobs, SUBMIT_PARALLELISM, () =>
    submission.submit(who.tenantId, CHAT_REQUEST, { apiKeyId: who.apiKeyId }),
  );
  const prepareMs = performance.now() - started;
  progress(`${name}: ${jobs} jobs submitted (${fixed((jobs / prepareMs) * 1000)}/s), draining`);
  const runner = app.get(JobRunner);
  const census = spec.census ?? new DrainCensus();
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
  // Untimed: the invocation rows still buffered are written now, not in the next drain.
  await app.get(InvocationLog).flush();
  return { jobs, ms: drained.ms, prepareMs, commands: drained.commands };
}

/**
 * Proof that the jobs really went through: every record in the leg's schema completed, and
 * one `ok` invocation row per job. Call after the last drain (the log is flushed by then).
 */
export async function checkLegRows(
  settings: BenchSettings,
  schema: string,
  jobs: number,
  name: string,
): Promise<void> {
  const counts = await jobStatusCounts(settings.databaseUrl, schema);
  if (counts.completed !== jobs || Object.keys(counts).length !== 1) {
    throw new Error(
      `${name}: job records are ${JSON.stringify(counts)}, expected ${jobs} completed`,
    );
  }
  const outcomes = await invocationOutcomeCounts(settings.databaseUrl, schema);
  if (outcomes.ok !== jobs || Object.keys(outcomes).length !== 1) {
    throw new Error(`${name}: invocation rows ${JSON.stringify(outcomes)}, expected ${jobs} ok`);
  }
}

/** Budgets on: one reservation and one settlement per call, seen on the wire; off: none. */
export function checkBudgetCommands(name: string, tally: DrainTally, budgets: boolean): void {
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
