import type { JobData } from '@switchboard/catalogue';
import type { WorkerConfig } from '@switchboard/config';
import { bullWorkerOptions } from '@switchboard/queue';
import { Worker, type Processor } from 'bullmq';
import { deferCleanup } from './exit-cleanup';
import { DrainCensus, emptyTally, type DrainTally } from './drain-census';

export interface DrainSpec {
  mailbox: string;
  prefix: string;
  redisUrl: string;
  worker: WorkerConfig;
  concurrency: number;
  expected: number;
  processor: Processor<JobData>;
  /** Gives up when no job finishes for this long. */
  stallTimeoutMs?: number;
  /**
   * Counts Redis commands (and the process's CPU) while the drain is timed: BullMQ's worker
   * connections always, and whatever clients the caller already watches (the platform's).
   */
  census?: DrainCensus;
}

export interface DrainResult {
  ms: number;
  completed: number;
  failed: number;
  firstFailure?: string;
  /** Redis commands sent while timed (BullMQ's own under `bullmq`), and the CPU used. */
  commands: DrainTally;
}

/**
 * Starts one BullMQ worker with the options the worker pools use (`bullWorkerOptions`), and
 * times it from the start of its main loop until `expected` jobs have finished.
 */
export async function timedDrain(spec: DrainSpec): Promise<DrainResult> {
  const worker = new Worker<JobData>(spec.mailbox, spec.processor, {
    ...bullWorkerOptions(
      { url: spec.redisUrl, prefix: spec.prefix, clusterNodes: [] },
      spec.worker,
      {
        concurrency: spec.concurrency,
      },
    ),
    autorun: false,
  });
  const release = deferCleanup(`worker ${spec.prefix}`, () => worker.close());
  // Worker errors (e.g. Redis blips) are kept for the stall message rather than thrown.
  const errors = { last: '' };
  worker.on('error', (error: Error) => (errors.last = ` (last worker error: ${error.message})`));
  const census = spec.census ?? new DrainCensus();
  try {
    await worker.waitUntilReady();
    const backend = worker.getBackend();
    census.watch(await backend.client, 'bullmq');
    const blocking = await backend.blockingClient;
    if (blocking) census.watch(blocking, 'bullmq');
    return await countUntilDone(worker, spec, errors, census);
  } finally {
    census.stop(0);
    await release();
  }
}

function countUntilDone(
  worker: Worker<JobData>,
  spec: DrainSpec,
  errors: { last: string },
  census: DrainCensus,
): Promise<DrainResult> {
  const result: DrainResult = { ms: 0, completed: 0, failed: 0, commands: emptyTally() };
  const stallMs = spec.stallTimeoutMs ?? 30_000;
  return new Promise<DrainResult>((resolve, reject) => {
    census.start();
    let last = performance.now();
    const started = last;
    const finishOne = () => {
      last = performance.now();
      if (result.completed + result.failed < spec.expected) return;
      result.ms = last - started;
      result.commands = census.stop(spec.expected);
      clearInterval(watchdog);
      resolve(result);
    };
    worker.on('completed', () => {
      result.completed += 1;
      finishOne();
    });
    worker.on('failed', (_job, error: Error) => {
      result.failed += 1;
      result.firstFailure ??= error.message;
      finishOne();
    });
    const watchdog = setInterval(() => {
      if (performance.now() - last < stallMs) return;
      clearInterval(watchdog);
      const done = result.completed + result.failed;
      reject(
        new Error(
          `${spec.mailbox}: no job finished for ${stallMs} ms (${done}/${spec.expected} done)${errors.last}`,
        ),
      );
    }, 1000);
    worker.run().catch((error: Error) => {
      clearInterval(watchdog);
      reject(error);
    });
  });
}
