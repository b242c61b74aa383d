import type { Logger } from '@nestjs/common';
import { canRunJob, jobCompatOf, type JobData } from '@switchboard/catalogue';
import { DelayedError, type Job } from 'bullmq';
import { observeJobRun } from './job.metrics';

/** Ids of jobs already logged as too new; bounded, so a long-lived old worker stays small. */
const MAX_WARNED = 10_000;

/**
 * Keeps a worker from running jobs stamped by a newer, incompatible version (mid-deploy, the
 * old colour's workers still take jobs the new colour submitted). Such a job is handed back
 * before anything of the run happens: no record write, no event, no step, no LLM call, and no
 * attempt spent. It goes to BullMQ's delayed set (`moveToDelayed` skips the attempt count) for
 * a short while, so this worker does not spin on it and a newer worker can take it meanwhile.
 */
export class JobCompatGate {
  private readonly warned = new Set<string>();

  constructor(
    /** The newest compatibility version this worker runs. */
    readonly version: number,
    private readonly retryMs: number,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  /** The error to throw to BullMQ if the job is too new for this worker; undefined if not. */
  async handBackIfNewer(
    job: Job<JobData>,
    token: string | undefined,
    now = Date.now(),
  ): Promise<DelayedError | undefined> {
    const compat = jobCompatOf(job.data);
    if (canRunJob(compat, this.version)) return undefined;
    if (!token) throw new Error(`handing back ${job.id} needs the worker lock token`);
    await job.moveToDelayed(now + this.retryMs, token);
    observeJobRun(job, 'handed_back');
    this.warnOnce(job, compat);
    return new DelayedError();
  }

  private warnOnce(job: Job<JobData>, compat: number): void {
    const id = job.id as string;
    if (this.warned.has(id)) return;
    if (this.warned.size >= MAX_WARNED) this.warned.clear();
    this.warned.add(id);
    this.logger.warn(
      `${job.queueName} ${id} needs job compat ${compat}, this worker runs up to ${this.version}: ` +
        `handed back (no attempt spent), retried every ${this.retryMs} ms until a newer worker takes it`,
    );
  }
}
