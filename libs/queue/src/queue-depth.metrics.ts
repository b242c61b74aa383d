import { metricsRegistry } from '@switchboard/observability';
import { Gauge } from 'prom-client';

/** The last counts read, per mailbox and BullMQ state; filled by QueueDepthCollector. */
const depths = new Map<string, Record<string, number>>();
/** The last count of workers connected per mailbox; filled by the same read. */
const workers = new Map<string, number>();
let refreshedAt: number | undefined;

/** Keeps one read of every mailbox's counts for the next scrapes. */
export function recordQueueDepths(counts: ReadonlyMap<string, Record<string, number>>): void {
  for (const [queue, byState] of counts) depths.set(queue, byState);
  refreshedAt = Date.now();
}

/** Keeps one read of the workers connected to every mailbox (BullMQ's `getWorkersCount`). */
export function recordQueueWorkers(counts: ReadonlyMap<string, number>): void {
  for (const [queue, n] of counts) workers.set(queue, n);
}

/**
 * Jobs per mailbox and state, reported from the cache when Prometheus scrapes (a scrape never
 * reads Redis). States: waiting, prioritized, active, delayed, waiting_children, failed,
 * completed.
 */
export const queueJobs = new Gauge({
  name: 'switchboard_queue_jobs',
  help: 'Jobs per mailbox (queue) and BullMQ state, as last read by the API',
  labelNames: ['queue', 'state'] as const,
  registers: [metricsRegistry],
  collect() {
    this.reset();
    for (const [queue, byState] of depths) {
      for (const [state, n] of Object.entries(byState)) {
        this.set({ queue, state: state.replace('-', '_') }, n);
      }
    }
  },
});

/** How old the depths are: they stay as last read while Redis is unreachable. */
export const queueDepthRefreshed = new Gauge({
  name: 'switchboard_queue_depth_refreshed_timestamp_seconds',
  help: 'When the queue depths were last read from Redis (Unix time)',
  registers: [metricsRegistry],
  collect() {
    if (refreshedAt !== undefined) this.set(refreshedAt / 1000);
  },
});

/**
 * Workers connected to each mailbox, every process's (BullMQ names each worker's Redis
 * connection; the API reads the client list in the same timed read as the depths).
 */
export const queueWorkers = new Gauge({
  name: 'switchboard_queue_workers',
  help: 'Workers connected to each mailbox (queue), as last read by the API',
  labelNames: ['queue'] as const,
  registers: [metricsRegistry],
  collect() {
    this.reset();
    for (const [queue, n] of workers) this.set({ queue }, n);
  },
});
