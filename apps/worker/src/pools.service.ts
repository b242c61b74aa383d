import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { JobRunner } from '@switchboard/actors';
import type { JobData } from '@switchboard/catalogue';
import { Config } from '@switchboard/config';
import { bullWorkerOptions } from '@switchboard/queue';
import { Worker } from 'bullmq';
import { MailboxLoadTracker } from './metrics/worker.metrics';
import { parsePools, type PoolSpec } from './pool-spec';

const FORCE_AFTER_HAND_BACK_MS = 5000;

const sleep = (ms: number) =>
  new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref());

/**
 * The BullMQ workers of this process, one per mailbox that WORKER_POOLS selects. Workers are
 * built here rather than with @Processor because the mailboxes are chosen by configuration.
 */
@Injectable()
export class PoolsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Pools');
  private readonly workers: Worker<JobData>[] = [];
  readonly pools: PoolSpec[];

  constructor(
    private readonly config: Config,
    private readonly runner: JobRunner,
  ) {
    this.pools = parsePools(config.worker.pools);
  }

  onApplicationBootstrap(): void {
    for (const pool of this.pools) {
      for (const mailbox of pool.mailboxes) this.workers.push(this.createWorker(mailbox, pool));
      this.logger.log(
        `pool ${pool.pattern}: ${pool.mailboxes.length} mailboxes, concurrency ${pool.concurrency}`,
      );
    }
  }

  private createWorker(mailbox: string, pool: PoolSpec): Worker<JobData> {
    // switchboard_worker_concurrency and switchboard_worker_jobs_active of this mailbox.
    const load = new MailboxLoadTracker(mailbox, pool.concurrency);
    const worker = new Worker<JobData>(
      mailbox,
      async (job, token) => {
        load.started();
        try {
          return await this.runner.run(job, token);
        } finally {
          load.ended();
        }
      },
      bullWorkerOptions(this.config.redis, this.config.worker, pool),
    );
    worker.on('error', (error: Error) => this.logger.error(`worker ${mailbox}: ${error.message}`));
    worker.on('completed', (job) => this.runner.onWorkerCompleted(job));
    worker.on('failed', (job, error) => {
      if (!job) return;
      this.runner
        .onWorkerFailed(job, error)
        .catch((e: Error) => this.logger.error(`recording failure of ${job.id}: ${e.message}`));
    });
    return worker;
  }

  /**
   * SIGTERM: stop taking jobs and let running ones finish within the grace period; then hand
   * the rest back to their queues so another worker runs them. Nothing is lost either way.
   */
  async beforeApplicationShutdown(signal?: string): Promise<void> {
    const grace = this.config.worker.shutdownGraceMs;
    this.logger.log(
      `${signal ?? 'shutdown'}: closing ${this.workers.length} workers, ${this.runner.active.size} jobs running, grace ${grace} ms`,
    );
    const closing = Promise.all(this.workers.map((w) => w.close()));
    if ((await Promise.race([closing, sleep(grace)])) !== 'timeout') return;
    this.logger.warn(
      `grace period over: handing ${this.runner.active.size} running jobs back to the queue`,
    );
    this.runner.active.handBackAll();
    if ((await Promise.race([closing, sleep(FORCE_AFTER_HAND_BACK_MS)])) !== 'timeout') return;
    this.logger.error(
      'workers did not close after hand-back; forcing (stalled-job recovery takes over)',
    );
    // Even a forced close waits for Redis; don't let an outage hold the process.
    await Promise.race([
      Promise.all(this.workers.map((w) => w.close(true))),
      sleep(FORCE_AFTER_HAND_BACK_MS),
    ]);
  }
}
