import { Injectable } from '@nestjs/common';
import { FINISHED_STATUSES } from '@switchboard/catalogue';
import { JobRecordsRepository, type CancelTarget, type JobEntity } from '@switchboard/persistence';
import { JobEventsPublisher } from '@switchboard/streams';
import type { Job, JobState } from 'bullmq';
import { JobCancelBus } from './job-cancel-bus';
import { JobSubmissionService } from './job-submission.service';
import { MailboxQueues } from './mailbox-queues.service';

/**
 * `cancelled`: it ended here (nothing was running it). `cancelling`: a worker runs it and was
 * told to stop; it will end `cancelled`. `finished`: it had already ended.
 */
export type CancelOutcome = 'cancelled' | 'cancelling' | 'finished';
export type RetryOutcome = 'retried' | 'not-failed';

/** BullMQ states in which the job's run is over or never began: nothing to signal. */
const ENDED: readonly (JobState | 'unknown')[] = ['completed', 'failed'];
const SETTLE_WAIT_MS = 2_000;
const SETTLE_POLL_MS = 20;

/** BullMQ's refusal to retry a job that is not (or no longer) where it was asked to be. */
const isNotInStateError = (error: unknown): boolean =>
  error instanceof Error && /is not in the \w+ state|Missing key for job/.test(error.message);

/** Cancel, retry and live state of jobs already submitted. */
@Injectable()
export class JobControlService {
  constructor(
    private readonly records: JobRecordsRepository,
    private readonly queues: MailboxQueues,
    private readonly submission: JobSubmissionService,
    private readonly bus: JobCancelBus,
    private readonly events: JobEventsPublisher,
  ) {}

  /**
   * Cancels a job and its descendants (children of spawnAndWait, recursively).
   *
   * The cancel is accepted by one conditional write per job (`cancel_requested_at`, only while
   * unfinished); every later status write of a run refuses to overwrite it, so a job whose
   * cancel was accepted can only end `cancelled`, and a job that finished first answers
   * `finished`. Then each job is stopped, parents first: one that waits in BullMQ (waiting,
   * delayed, waiting-children) is removed and ends here; a parent removed first is never
   * resumed by its children ending. A running one is signalled (JobCancelBus) and its worker
   * ends it. A worker that takes a job after the write sees it when it marks the job active.
   */
  async cancel(record: JobEntity): Promise<CancelOutcome> {
    if (FINISHED_STATUSES.includes(record.status)) return 'finished';
    const targets = await this.records.requestCancelTree(record.tenantId, record.id);
    if (!targets.some((t) => t.id === record.id)) return 'finished';
    let outcome: CancelOutcome = 'cancelled';
    for (const target of targets) {
      const stopped = await this.stop(target);
      if (target.id === record.id) outcome = stopped;
    }
    return outcome;
  }

  /** Cancels what is left under a job that has ended (children it spawned after a cancel). */
  async cancelDescendants(tenantId: string, id: string): Promise<void> {
    for (const target of await this.records.requestCancelTree(tenantId, id)) {
      if (target.id !== id) await this.stop(target);
    }
  }

  /**
   * Replays a failed job with a fresh set of attempts, whether or not BullMQ still holds it.
   * Concurrent replays of one job (retry, DLQ replay) race for one conditional write on the
   * record: exactly one replays it, the others answer `not-failed` and touch nothing.
   */
  async retry(record: JobEntity): Promise<RetryOutcome> {
    if (record.status !== 'failed') return 'not-failed';
    if (!(await this.records.requeueFailed(record.id))) return 'not-failed';
    try {
      await this.replay(record);
    } catch (error) {
      // Nothing was put back to run: the job is failed as before, and may be retried again.
      await this.records.restoreFailed(record);
      throw error;
    }
    return 'retried';
  }

  /** Puts a claimed job back to run: BullMQ's failed job if it still has it, else afresh. */
  private async replay(record: JobEntity): Promise<void> {
    const job = await this.bullJob(record);
    if (job && (await this.settledState(job)) === 'failed') {
      try {
        await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
        return;
      } catch (error) {
        // Removed by retention since we looked: enqueue it afresh below.
        if (!isNotInStateError(error)) throw error;
      }
    }
    if (job) await job.remove().catch(() => undefined);
    await this.submission.reenqueue(record);
  }

  /**
   * The runner records a failure before BullMQ moves the job out of `active`; a replay that
   * lands in between waits (briefly) for BullMQ to catch up rather than race its move.
   */
  private async settledState(job: Job): Promise<JobState | 'unknown'> {
    const deadline = Date.now() + SETTLE_WAIT_MS;
    let state = await job.getState();
    while (state === 'active' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
      state = await job.getState();
    }
    return state;
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

  private async stop(target: CancelTarget): Promise<'cancelled' | 'cancelling'> {
    const job = await this.bullJob(target);
    if (job && !(await this.removable(job))) {
      await this.bus.signal([target.id]);
      return 'cancelling';
    }
    // Nothing runs it any more, and nothing will: it ends here, once.
    if (await this.records.markCancelled(target.id)) {
      await this.events.end(target.id, 'cancelled');
    }
    return 'cancelled';
  }

  /** Removes a job nobody runs; false when a worker holds it (or took it just now). */
  private async removable(job: Job): Promise<boolean> {
    const state = await job.getState();
    if (state === 'active') return false;
    // Its run is over and its record still open: the runner left the ending to the cancel.
    if (ENDED.includes(state)) return true;
    try {
      // Children are cancelled one by one, through their own records.
      await job.remove({ removeChildren: false });
      return true;
    } catch {
      return false; // locked: a worker took it between our read and the removal
    }
  }

  private async bullJob(record: Pick<JobEntity, 'id' | 'role' | 'tier'>): Promise<Job | undefined> {
    return this.queues.get(record.role, record.tier).getJob(record.id);
  }
}
