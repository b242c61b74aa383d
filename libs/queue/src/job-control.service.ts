import { Injectable } from '@nestjs/common';
import { FINISHED_STATUSES } from '@switchboard/catalogue';
import { JobRecordsRepository, type JobEntity } from '@switchboard/persistence';
import type { Job, JobState } from 'bullmq';
import { JobSubmissionService } from './job-submission.service';
import { MailboxQueues } from './mailbox-queues.service';

export type CancelOutcome = 'cancelled' | 'running' | 'finished';
export type RetryOutcome = 'retried' | 'not-failed';

const CANCELLABLE: readonly (JobState | 'unknown')[] = ['waiting', 'delayed', 'prioritized'];

/** Cancel, retry and live state of jobs already submitted. */
@Injectable()
export class JobControlService {
  constructor(
    private readonly records: JobRecordsRepository,
    private readonly queues: MailboxQueues,
    private readonly submission: JobSubmissionService,
  ) {}

  /** Waiting and delayed jobs only; running jobs need cooperative cancellation (later). */
  async cancel(record: JobEntity): Promise<CancelOutcome> {
    if (FINISHED_STATUSES.includes(record.status)) return 'finished';
    const job = await this.bullJob(record);
    if (job) {
      const state = await job.getState();
      if (!CANCELLABLE.includes(state)) return 'running';
      try {
        await job.remove();
      } catch {
        // A worker locked it between our read and the removal.
        return 'running';
      }
    }
    const changed = await this.records.setStatus(record.id, 'cancelled', ['queued', 'delayed']);
    return changed ? 'cancelled' : 'running';
  }

  /** Replays a failed job with a fresh set of attempts, whether or not BullMQ still holds it. */
  async retry(record: JobEntity): Promise<RetryOutcome> {
    if (record.status !== 'failed') return 'not-failed';
    const job = await this.bullJob(record);
    await this.records.requeue(record.id);
    if (job && (await job.getState()) === 'failed') {
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    } else {
      if (job) await job.remove().catch(() => undefined);
      await this.submission.reenqueue(record);
    }
    return 'retried';
  }

  /** BullMQ's view of a job that has not finished: its state and progress. */
  async live(
    record: JobEntity,
  ): Promise<{ state: JobState | 'unknown'; progress: unknown } | null> {
    if (FINISHED_STATUSES.includes(record.status)) return null;
    const job = await this.bullJob(record);
    if (!job) return null;
    return { state: await job.getState(), progress: job.progress };
  }

  private async bullJob(record: JobEntity): Promise<Job | undefined> {
    return this.queues.get(record.role, record.tier).getJob(record.id);
  }
}
