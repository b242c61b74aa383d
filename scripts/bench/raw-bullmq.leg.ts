import { loadConfig } from '@switchboard/config';
import { redisOptionsFromUrl } from '@switchboard/redis';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { fixed, progress } from './bench-output';
import { platformEnv, type BenchSettings } from './bench-settings';
import { CHAT_MAILBOX, rawChatJob } from './chat-job.fixture';
import { withLegScope } from './leg-isolation';
import type { DrainTally } from './drain-census';
import { timedDrain } from './timed-drain';

const CHUNK = 1000;

export interface WorkerLegResult {
  label: string;
  concurrency: number;
  jobs: number;
  ms: number;
  jobsPerSecond: number;
  /** Enqueue rate of the preparation step (not timed in the leg's figure). */
  preparePerSecond: number;
  /** Redis commands sent while the drain was timed. */
  commands: DrainTally;
}

/**
 * Baseline: the same payload and job options as the platform's chat jobs, added with
 * addBulk, then a worker whose processor returns at once.
 */
export async function rawBullmqLeg(
  settings: BenchSettings,
  concurrency: number,
  jobs: number,
  tag = 'raw',
): Promise<WorkerLegResult> {
  return withLegScope(settings, `${tag}_c${concurrency}`, false, async (scope) => {
    const config = loadConfig(platformEnv(settings, scope, 'warn'));
    const queue = new Queue(CHAT_MAILBOX, {
      connection: { ...redisOptionsFromUrl(settings.redisUrl), maxRetriesPerRequest: null },
      prefix: scope.prefix,
    });
    queue.on('error', () => undefined);
    let prepareMs: number;
    try {
      const started = performance.now();
      const tenantId = randomUUID();
      for (let i = 0; i < jobs; i += CHUNK) {
        const size = Math.min(CHUNK, jobs - i);
        await queue.addBulk(Array.from({ length: size }, () => rawChatJob(tenantId)));
      }
      prepareMs = performance.now() - started;
    } finally {
      await queue.close();
    }
    progress(
      `${tag} c=${concurrency}: ${jobs} jobs added (${fixed((jobs / prepareMs) * 1000)}/s), draining`,
    );
    const drained = await timedDrain({
      mailbox: CHAT_MAILBOX,
      prefix: scope.prefix,
      redisUrl: settings.redisUrl,
      worker: config.worker,
      concurrency,
      expected: jobs,
      processor: async () => undefined,
    });
    if (drained.failed > 0)
      throw new Error(`raw leg: ${drained.failed} failed: ${drained.firstFailure}`);
    const jobsPerSecond = (jobs / drained.ms) * 1000;
    progress(`${tag} c=${concurrency}: ${fixed(jobsPerSecond)} jobs/s`);
    return {
      label: 'Raw BullMQ, no-op processor',
      concurrency,
      jobs,
      ms: drained.ms,
      jobsPerSecond,
      preparePerSecond: (jobs / prepareMs) * 1000,
      commands: drained.commands,
    };
  });
}
