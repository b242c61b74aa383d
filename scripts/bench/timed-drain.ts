import type { JobData } from '@switchboard/catalogue';
import type { WorkerConfig } from '@switchboard/config';
import { bullWorkerOptions } from '@switchboard/queue';
import { Worker, type Processor } from 'bullmq';
import { deferCleanup } from './exit-cleanup';

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
}

export interface DrainResult {
  ms: number;
  completed: number;
  failed: number;
  firstFailure?: string;
}

/**
 * Starts one BullMQ worker with the options the worker pools use (`bullWorkerOptions`), and
 * times it from the start of its main loop until `expected` jobs have finished.
 */
export async function timedDrain(spec: DrainSpec): Promise<DrainResult> {
  const worker = new Worker<JobData>(spec.mailbox, spec.processor, {
    ...bullWorkerOptions({ url: spec.redisUrl, prefix: spec.prefix }, spec.worker, {
      concurrency: spec.concurrency,
    }),
    autorun: false,
  });
  const release = deferCleanup(`worker ${spec.prefix}`, () => worker.close());
  // Worker errors (e.g. Redis blips) are kept for the stall message rather than thrown.
  const errors = { last: '' };
  worker.on('error', (error: Error) => (errors.last = ` (last worker error: ${error.message})`));
  try {
    await worker.waitUntilReady();
    return await countUntilDone(worker, spec, errors);
  } finally {
    await release();
  }
}

function countUntilDone(
  worker: Worker<JobData>,
  spec: DrainSpec,
  errors: { last: string },
): Promise<DrainResult> {
  const result: DrainResult = { ms: 0, completed: 0, failed: 0 };
  const stallMs = spec.stallTimeoutMs ?? 30_000;
  return new Promise<DrainResult>((resolve, reject) => {
    let last = performance.now();
    const started = last;
    const finishOne = () => {
      last = performance.now();
      if (result.completed + result.failed < spec.expected) return;
      result.ms = last - started;
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
