import { metricsEnabled, metricsRegistry } from '@switchboard/observability';
import { Gauge } from 'prom-client';

/** This process's load per mailbox: configured concurrency and jobs running now. */
interface MailboxLoad {
  concurrency: number;
  active: number;
}

const loads = new Map<string, MailboxLoad>();

/**
 * Counts the runs of one mailbox's worker in this process (PoolsService feeds it). Plain
 * integers: the gauges read them when Prometheus scrapes. With METRICS_ENABLED=false the
 * mailbox is not tracked and `started`/`ended` do nothing.
 */
export class MailboxLoadTracker {
  private readonly load: MailboxLoad | undefined;

  constructor(queue: string, concurrency: number) {
    if (!metricsEnabled()) return;
    this.load = { concurrency, active: 0 };
    loads.set(queue, this.load);
  }

  started(): void {
    if (this.load) this.load.active++;
  }

  ended(): void {
    if (this.load) this.load.active--;
  }
}

/** Forgets every mailbox (tests). */
export function resetMailboxLoads(): void {
  loads.clear();
}

/** `switchboard_worker_concurrency{queue}`: this worker process's configured concurrency. */
export const workerConcurrency = new Gauge({
  name: 'switchboard_worker_concurrency',
  help: "This worker process's configured concurrency per mailbox (queue)",
  labelNames: ['queue'] as const,
  registers: [metricsRegistry],
  collect() {
    this.reset();
    for (const [queue, load] of loads) this.set({ queue }, load.concurrency);
  },
});

/** `switchboard_worker_jobs_active{queue}`: jobs running now in this process. */
export const workerJobsActive = new Gauge({
  name: 'switchboard_worker_jobs_active',
  help: 'Jobs running now in this worker process, per mailbox (queue)',
  labelNames: ['queue'] as const,
  registers: [metricsRegistry],
  collect() {
    this.reset();
    for (const [queue, load] of loads) this.set({ queue }, load.active);
  },
});
