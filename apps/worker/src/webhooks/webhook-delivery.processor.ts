import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import {
  WEBHOOKS_QUEUE,
  deliverWebhook,
  webhookDeliveriesTotal,
  webhookOrigin,
  type WebhookJobData,
} from '@switchboard/budget-alerts';
import { BudgetPoolsRepository } from '@switchboard/budget';
import { Config } from '@switchboard/config';
import { bullWorkerOptions } from '@switchboard/queue';
import { UnrecoverableError, Worker, type Job } from 'bullmq';

/** Deliveries are I/O bound: one slow receiver must not hold the others back. */
const CONCURRENCY = 10;
const FORCE_CLOSE_MS = 5_000;
const LOCK_MARGIN_MS = 10_000;

const sleep = (ms: number) =>
  new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref());

/**
 * Delivers alert webhooks from `switchboard.webhooks` to the pool's current webhook URL:
 * signed POSTs with a timeout; a non-2xx answer or no answer fails the attempt, and BullMQ
 * retries with backoff (WEBHOOK_JOB_OPTIONS).
 */
@Injectable()
export class WebhookDeliveryProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private worker: Worker<WebhookJobData, string | null> | undefined;

  constructor(
    private readonly config: Config,
    private readonly pools: BudgetPoolsRepository,
  ) {}

  onApplicationBootstrap(): void {
    const options = bullWorkerOptions(this.config.redis, this.config.worker, {
      concurrency: CONCURRENCY,
    });
    // A delivery may take the whole webhook timeout; its lock must outlast it, or the job
    // would be taken for stalled and delivered twice at once.
    const lockDuration = Math.max(
      options.lockDuration ?? 0,
      this.config.budget.webhookTimeoutMs + LOCK_MARGIN_MS,
    );
    const worker = new Worker<WebhookJobData, string | null>(
      WEBHOOKS_QUEUE,
      (job) => this.deliver(job),
      {
        ...options,
        lockDuration,
      },
    );
    worker.on('error', (error: Error) =>
      this.logger.error(`worker ${WEBHOOKS_QUEUE}: ${error.message}`),
    );
    worker.on('completed', (job, where: string | null) => {
      if (!where) return;
      webhookDeliveriesTotal.inc({ result: 'delivered' });
      this.logger.log(`delivered ${job.id} to ${where} (attempt ${job.attemptsMade})`);
    });
    worker.on('failed', (job, error) => {
      if (!job) return;
      const final =
        job.attemptsMade >= (job.opts.attempts ?? 1) || error instanceof UnrecoverableError;
      webhookDeliveriesTotal.inc({ result: final ? 'failed' : 'retrying' });
      this.logger.warn(
        `${job.id} attempt ${job.attemptsMade}/${job.opts.attempts ?? 1} failed` +
          `${final ? ', giving up' : ', will retry'}: ${error.message}`,
      );
    });
    this.worker = worker;
  }

  /** The receiver's origin once delivered; null when the pool or its webhook is gone. */
  private async deliver(job: Job<WebhookJobData>): Promise<string | null> {
    const { webhookSecret, webhookTimeoutMs } = this.config.budget;
    // Never send unsigned: the secret may have been removed since the pool was set up.
    if (!webhookSecret) throw new UnrecoverableError('BUDGET_WEBHOOK_SECRET is not set');
    const url = (await this.pools.findById(job.data.poolId))?.webhookUrl;
    if (!url) {
      this.logger.log(`${job.id}: pool ${job.data.poolId} has no webhook any more; dropped`);
      return null;
    }
    await deliverWebhook({
      url,
      body: JSON.stringify(job.data.payload),
      secret: webhookSecret,
      timeoutMs: webhookTimeoutMs,
      headers: {
        'X-Switchboard-Event': job.data.payload.event,
        'X-Switchboard-Delivery': String(job.id),
        'X-Switchboard-Attempt': String(job.attemptsMade + 1),
      },
    });
    return webhookOrigin(url);
  }

  /** A delivery cut short is retried from the queue (at least once: receivers dedupe). */
  async beforeApplicationShutdown(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    const closing = worker.close();
    if ((await Promise.race([closing, sleep(this.config.worker.shutdownGraceMs)])) !== 'timeout') {
      return;
    }
    await Promise.race([worker.close(true), sleep(FORCE_CLOSE_MS)]);
  }
}
