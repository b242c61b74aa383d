import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { PeriodicRead } from '@switchboard/observability';
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
  private readonly periodic: PeriodicRead;

  constructor(private readonly queues: MailboxQueues) {
    const logger = new Logger('QueueDepth');
    this.periodic = new PeriodicRead(
      'queue depths',
      QUEUE_DEPTH_REFRESH_MS,
      () => this.read(),
      logger,
    );
  }

  onApplicationBootstrap(): void {
    this.periodic.start();
  }

  /** Stops before Redis closes; a read in flight ends on its own. */
  onModuleDestroy(): void {
    this.periodic.stop();
  }

  /** Reads every mailbox's counts once; a read still running is not doubled. */
  refresh(): Promise<void> {
    return this.periodic.refresh();
  }

  private async read(): Promise<void> {
    const queues = this.queues.all();
    const counts = await Promise.all(queues.map((q) => q.getJobCounts(...STATES)));
    recordQueueDepths(new Map(queues.map((q, i) => [q.name, counts[i]])));
  }
}
