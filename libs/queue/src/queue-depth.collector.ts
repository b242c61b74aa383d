import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { metricsEnabled, PeriodicRead } from '@switchboard/observability';
import { MailboxQueues } from './mailbox-queues.service';
import type { JobType } from 'bullmq';
import { recordQueueDepths, recordQueueWorkers } from './queue-depth.metrics';

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
 * Reads the job counts and the connected workers of every mailbox on a timer in the API, one
 * process per deployment colour (never per scrape or per request), for `switchboard_queue_jobs`
 * and `switchboard_queue_workers`. With METRICS_ENABLED=false the timer does not start.
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
    if (metricsEnabled()) this.periodic.start();
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
    // After the depths, so a Redis that refuses CLIENT LIST still gets its depths reported.
    const connected = await Promise.all(queues.map((q) => q.getWorkersCount()));
    recordQueueWorkers(new Map(queues.map((q, i) => [q.name, connected[i]])));
  }
}
