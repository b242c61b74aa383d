import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { MailboxQueues } from './mailbox-queues.service';
import type { JobType } from 'bullmq';
import { recordQueueDepths } from './queue-depth.metrics';

/** BullMQ states counted per mailbox. */
const STATES: readonly JobType[] = [
  'waiting',
  'prioritized',
  'active',
  'delayed',
  'waiting-children',
  'failed',
  'completed',
];

/** How often the counts are read from Redis: about one scrape interval. */
export const QUEUE_DEPTH_REFRESH_MS = 15_000;

/**
 * Reads the job counts of every mailbox on a timer in the API, one process per deployment
 * colour (never per scrape or per request), for `switchboard_queue_jobs`.
 */
@Injectable()
export class QueueDepthCollector implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('QueueDepth');
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private lastWarning = 0;

  constructor(private readonly queues: MailboxQueues) {}

  onApplicationBootstrap(): void {
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), QUEUE_DEPTH_REFRESH_MS);
    this.timer.unref();
  }

  /** Stops before Redis closes; a read in flight ends on its own. */
  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Reads every mailbox's counts once; a read still running is not doubled. */
  refresh(): Promise<void> {
    this.refreshing ??= this.read().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async read(): Promise<void> {
    try {
      const queues = this.queues.all();
      const counts = await Promise.all(queues.map((q) => q.getJobCounts(...STATES)));
      recordQueueDepths(new Map(queues.map((q, i) => [q.name, counts[i]])));
    } catch (error) {
      const now = Date.now();
      if (now - this.lastWarning < 60_000) return;
      this.lastWarning = now;
      this.logger.warn(`could not read queue depths: ${(error as Error).message}`);
    }
  }
}
