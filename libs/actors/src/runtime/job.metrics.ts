import type { JobData } from '@switchboard/catalogue';
import { metricsEnabled, metricsRegistry } from '@switchboard/observability';
import type { Job } from 'bullmq';
import { Counter, Histogram } from 'prom-client';

/**
 * How a run of a job ended, as the job metrics count it: `completed`; `failed` (final) or
 * `retrying` (BullMQ tries again); `timeout`; `cancelled`; `deferred` (budget, delayed until
 * the period resets); `waiting_children`; `handed_back` (worker shutdown); `stalled` (BullMQ's
 * stall limit ended it outside its handler).
 */
export type JobOutcome =
  | 'completed'
  | 'failed'
  | 'retrying'
  | 'timeout'
  | 'cancelled'
  | 'deferred'
  | 'waiting_children'
  | 'handed_back'
  | 'stalled';

/** Runs of jobs by mailbox (queue), role, tier and outcome. No job or tenant ids. */
export const jobsTotal = new Counter({
  name: 'switchboard_jobs_total',
  help: 'Job runs by queue, role, tier and outcome',
  labelNames: ['queue', 'role', 'tier', 'outcome'] as const,
  registers: [metricsRegistry],
});

/** From the moment a job became due (enqueued, plus its delay) to its first run's start. */
export const jobQueueWaitSeconds = new Histogram({
  name: 'switchboard_job_queue_wait_seconds',
  help: 'Time from a job becoming due in its queue to the start of its first run',
  labelNames: ['queue'] as const,
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
  registers: [metricsRegistry],
});

/** How long runs took, from the start of the wrapper to its ending, by outcome. */
export const jobRunSeconds = new Histogram({
  name: 'switchboard_job_run_seconds',
  help: 'Duration of job runs by queue, role and outcome',
  labelNames: ['queue', 'role', 'outcome'] as const,
  buckets: [0.05, 0.25, 1, 5, 15, 30, 60, 120, 300, 900, 1800, 3600],
  registers: [metricsRegistry],
});

/** The metric objects the wrapper records into: the registered ones, or no-ops. */
interface JobRecorders {
  jobsTotal: Pick<typeof jobsTotal, 'inc'>;
  jobQueueWaitSeconds: Pick<typeof jobQueueWaitSeconds, 'observe'>;
  jobRunSeconds: Pick<typeof jobRunSeconds, 'observe'>;
}

const LIVE: JobRecorders = { jobsTotal, jobQueueWaitSeconds, jobRunSeconds };

/** METRICS_ENABLED=false: the wrapper records nothing. */
const NOOP: JobRecorders = {
  jobsTotal: { inc: () => undefined },
  jobQueueWaitSeconds: { observe: () => undefined },
  jobRunSeconds: { observe: () => undefined },
};

/** The recorders as the process's metrics switch says now. */
export function jobRecorders(): JobRecorders {
  return metricsEnabled() ? LIVE : NOOP;
}

/**
 * The queue wait of a run that starts now: only a job's first run (a retry or a resumed
 * parent waited for its backoff or children, not for a worker).
 */
export function observeQueueWait(job: Job<JobData>, firstRun: boolean, now = Date.now()): void {
  if (!firstRun) return;
  const due = job.timestamp + (job.opts.delay ?? 0);
  jobRecorders().jobQueueWaitSeconds.observe(
    { queue: job.queueName },
    Math.max(0, now - due) / 1000,
  );
}

/** One run ended: counted, and timed unless it ended outside its handler (`runMs` absent). */
export function observeJobRun(job: Job<JobData>, outcome: JobOutcome, runMs?: number): void {
  const recorders = jobRecorders();
  const { role, tier } = job.data;
  recorders.jobsTotal.inc({ queue: job.queueName, role, tier: String(tier), outcome });
  if (runMs !== undefined) {
    recorders.jobRunSeconds.observe(
      { queue: job.queueName, role, outcome },
      Math.max(0, runMs) / 1000,
    );
  }
}
