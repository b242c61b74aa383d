import { Logger } from '@nestjs/common';
import type { RedisConfig } from '@switchboard/config';
import { createRedisConnection } from '@switchboard/redis';
import type Redis from 'ioredis';
import type { JobCancelBus } from './job-cancel-bus';

/** The running jobs of one worker process, as the listener sees them. */
export interface CancelTargets {
  /** Ids of the jobs this process runs now. */
  running(): string[];
  /** Stops one of them; an id this process does not run is ignored. */
  cancel(jobId: string): void;
}

export interface CancelListenerOptions {
  redis: RedisConfig;
  bus: JobCancelBus;
  targets: CancelTargets;
  /** How often running jobs are checked against the markers. */
  sweepMs: number;
}

/**
 * A worker's ear for cancels. A dedicated subscriber connection takes the broadcast (a
 * connection in subscriber mode can do nothing else). Messages sent while it is reconnecting
 * are lost, so the markers of the running jobs are swept when it (re)connects and every
 * `sweepMs`: one MGET, and nothing at all while the process runs no job.
 */
export class JobCancelListener {
  private readonly logger = new Logger('JobCancelListener');
  private subscriber: Redis | undefined;
  private timer: NodeJS.Timeout | undefined;
  private down = false;

  constructor(private readonly options: CancelListenerOptions) {}

  async start(): Promise<void> {
    const { redis, bus, sweepMs } = this.options;
    const subscriber = createRedisConnection(redis, {
      connectionName: 'switchboard-cancel',
      // Subscribing waits for Redis rather than failing: the sweep covers the gap.
      maxRetriesPerRequest: null,
    });
    this.subscriber = subscriber;
    subscriber.on('message', (channel: string, jobId: string) => {
      if (channel === bus.channel) this.options.targets.cancel(jobId);
    });
    subscriber.on('error', (error: Error) => {
      if (!this.down) this.logger.error(`cancel channel unavailable: ${error.message}`);
      this.down = true;
    });
    // ioredis resubscribes by itself after a reconnect; what was sent meanwhile is swept.
    subscriber.on('ready', () => {
      if (this.down) this.logger.log('cancel channel is back; sweeping running jobs');
      this.down = false;
      void this.sweep();
    });
    await subscriber.subscribe(bus.channel);
    this.timer = setInterval(() => void this.sweep(), sweepMs);
    this.timer.unref();
  }

  /** Cancels the running jobs that carry a marker. Never rejects. */
  async sweep(): Promise<void> {
    const running = this.options.targets.running();
    if (running.length === 0) return;
    try {
      for (const id of await this.options.bus.marked(running)) this.options.targets.cancel(id);
    } catch {
      // Redis is away: the next sweep, or the reconnect, tries again.
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (!subscriber) return;
    await subscriber.quit().catch(() => subscriber.disconnect());
  }
}
