import type { Logger } from '@nestjs/common';
import type { JobData, Usage } from '@switchboard/catalogue';
import { BudgetExceededError, type InvocationLog } from '@switchboard/llm';
import type { JobErrorInfo, JobRecordsRepository } from '@switchboard/persistence';
import type { JobControlService } from '@switchboard/queue';
import type { JobEvent, JobEventsPublisher } from '@switchboard/streams';
import {
  DelayedError,
  UnrecoverableError,
  WaitingChildrenError,
  WaitingError,
  type Job,
} from 'bullmq';
import { HandBackSignal, JobCancelledError, JobTimeoutError } from '../actor-errors';
import { classifyError } from './classify-error';
import type { InFlightWork } from './in-flight-work';
import type { JobActorContext } from './job-actor-context';
import type { JobOutcome } from './job.metrics';
import type { JobEventSink } from './usage-meter';

/** One run of one job, as the runner and its endings see it. */
export interface RunState {
  job: Job<JobData>;
  token: string | undefined;
  id: string;
  attempt: number;
  label: string;
  started: number;
  signal: AbortSignal;
  work: InFlightWork;
  /** Set once the handler has its context. */
  ctx?: JobActorContext;
  /** How the run ended, for the job metrics (set by the ending that ran). */
  outcome?: JobOutcome;
}

export interface EndingDeps {
  records: JobRecordsRepository;
  control: JobControlService;
  invocations: InvocationLog;
  events: JobEventsPublisher;
  logger: Logger;
}

/**
 * How long an aborted run's writes and LLM calls in flight get to unwind before the final
 * write. A well-behaved handler needs milliseconds; the bound only caps a stuck one.
 */
const UNWIND_MS = 5_000;

type StopReason = JobCancelledError | JobTimeoutError;

/** The run was stopped (cancel or timeout), by its signal or by a refused final write. */
export function stopReason(signal: AbortSignal, error: unknown): StopReason | undefined {
  const reason: unknown = signal.reason;
  if (
    signal.aborted &&
    (reason instanceof JobCancelledError || reason instanceof JobTimeoutError)
  ) {
    return reason;
  }
  return error instanceof JobCancelledError ? error : undefined;
}

/**
 * Every way a run ends: the record's final (or next) state, the job's stream events, the end
 * log line, and what BullMQ is told. Each write that ends a job is made once, and refused
 * when a cancel was accepted first, in which case the job ends cancelled instead.
 */
export class RunEndings {
  constructor(private readonly deps: EndingDeps) {}

  /** Best effort and in call order (see JobEventsPublisher); never holds the job. */
  publish(id: string, event: JobEvent): void {
    void this.deps.events.publish(id, event);
  }

  /** The job's stream, for its context (tokens, progress, provider and budget news). */
  sink(id: string): JobEventSink {
    return {
      token: (text) => this.deps.events.token(id, text),
      publish: (event) => this.publish(id, event),
    };
  }

  /** A job BullMQ ended outside its handler (stall limit): its stream ends too. */
  endedOutside(id: string, status: 'failed' | 'cancelled', error?: JobErrorInfo): void {
    if (error) this.publish(id, { type: 'error', error });
    void this.deps.events.end(id, status);
  }

  completed(run: RunState, result: unknown, usage: Usage): void {
    this.publish(run.id, { type: 'result', result, usage });
    void this.deps.events.end(run.id, 'completed');
    this.deps.logger.log(`end ${run.label} completed in ${elapsed(run)} ms`);
  }

  /** What to throw to BullMQ for a run that did not complete. */
  async failure(run: RunState, error: unknown): Promise<unknown> {
    // Checked first: the job already waits for its children (an abort that came just after
    // is too late for this run; a cancel is then carried out on the released job).
    if (error instanceof WaitingChildrenError || run.ctx?.released) {
      return this.waitingChildren(run);
    }
    const stop = stopReason(run.signal, error);
    if (stop) return this.stopped(run, stop);
    const { budgetPolicy } = run.job.data;
    if (error instanceof BudgetExceededError && budgetPolicy === 'defer' && run.token) {
      const until = error.refusal.resetsAt;
      if (until) return this.defer(run, run.token, until, error);
    }
    if (run.signal.reason instanceof HandBackSignal && run.token) {
      return this.handBack(run, run.token);
    }
    return this.failed(run, error);
  }

  /**
   * Cancel or timeout. What the run still has in flight unwinds first: the aborted LLM call is
   * logged and settled by the router (the partial usage counted below), and no write of the
   * run lands after the final one. Either way BullMQ is told not to retry.
   */
  private async stopped(run: RunState, reason: StopReason): Promise<unknown> {
    await run.work.settled(UNWIND_MS);
    // The handler's move to waiting-children was under way when the abort came, and made it.
    if (run.ctx?.released) return this.waitingChildren(run);
    await this.deps.invocations.flush();
    const usage = run.ctx?.usage();
    if (reason instanceof JobTimeoutError) {
      const info = { message: reason.message, code: reason.code, retryable: false };
      if (await this.deps.records.markFailed(run.id, info, run.attempt, true, usage)) {
        this.endFailed(run, info, true);
        run.outcome = 'timeout';
        return new UnrecoverableError(reason.message);
      }
      // A cancel was accepted first: the job ends cancelled.
    }
    return this.cancelled(run, usage);
  }

  private async cancelled(run: RunState, usage: Usage | undefined): Promise<unknown> {
    const { records, control, logger } = this.deps;
    run.outcome = 'cancelled';
    if (await records.markCancelled(run.id, { attemptsMade: run.attempt, usage })) {
      void this.deps.events.end(run.id, 'cancelled');
      logger.log(`end ${run.label} cancelled after ${elapsed(run)} ms`);
    }
    // Children it spawned after the cancel was accepted were not in the tree cancelled then.
    await control
      .cancelDescendants(run.job.data.tenantId, run.id)
      .catch((e: Error) => logger.error(`cancelling the children of ${run.id}: ${e.message}`));
    return new UnrecoverableError(new JobCancelledError().message);
  }

  /**
   * A cancel was accepted while the run was letting go of the job (to its children, to a
   * delay, back to the queue): nobody holds it now, so the cancel removes it and ends it.
   */
  private async cancelReleased(run: RunState): Promise<void> {
    run.outcome = 'cancelled';
    const record = await this.deps.records.findById(run.id);
    if (record) await this.deps.control.cancel(record);
    this.deps.logger.log(`end ${run.label} cancelled after ${elapsed(run)} ms (released)`);
  }

  private async waitingChildren(run: RunState): Promise<unknown> {
    if (await this.deps.records.setStatus(run.id, 'waiting_children')) {
      run.outcome = 'waiting_children';
      this.publish(run.id, { type: 'status', status: 'waiting_children' });
      this.deps.logger.log(`end ${run.label} waiting for children after ${elapsed(run)} ms`);
    } else {
      await this.cancelReleased(run);
    }
    return new WaitingChildrenError();
  }

  /** The budget is spent for this period: the job waits, delayed, until the period resets. */
  private async defer(
    run: RunState,
    token: string,
    until: Date,
    error: BudgetExceededError,
  ): Promise<unknown> {
    await run.job.moveToDelayed(until.getTime(), token);
    const reason = `Deferred until ${until.toISOString()}: ${error.message}`;
    const info = { message: reason, code: 'BUDGET_DEFERRED', retryable: true };
    if (!(await this.deps.records.markDeferred(run.id, until, info))) {
      await this.cancelReleased(run);
      return new DelayedError();
    }
    run.outcome = 'deferred';
    this.publish(run.id, { type: 'status', status: 'delayed', reason });
    this.deps.logger.warn(
      `end ${run.label} deferred until ${until.toISOString()} (budget) after ${elapsed(run)} ms`,
    );
    return new DelayedError();
  }

  private async handBack(run: RunState, token: string): Promise<unknown> {
    await run.job.moveToWait(token);
    if (await this.deps.records.setStatus(run.id, 'queued')) {
      run.outcome = 'handed_back';
      this.publish(run.id, { type: 'status', status: 'queued', reason: 'worker shutdown' });
      this.deps.logger.warn(
        `end ${run.label} handed back to the queue after ${elapsed(run)} ms (shutdown)`,
      );
    } else {
      await this.cancelReleased(run);
    }
    return new WaitingError();
  }

  private async failed(run: RunState, error: unknown): Promise<unknown> {
    const info = classifyError(error);
    const final = !info.retryable || run.attempt >= (run.job.opts.attempts ?? 1);
    const recorded = await this.deps.records
      .markFailed(
        run.id,
        { message: info.message, code: info.code, retryable: info.retryable },
        run.attempt,
        final,
      )
      .catch((e: Error) => {
        this.deps.logger.error(`could not record failure of ${run.id}: ${e.message}`);
        return null;
      });
    if (recorded === false) return this.stopped(run, new JobCancelledError());
    this.endFailed(run, info, final);
    return info.retryable ? error : new UnrecoverableError(info.message);
  }

  private endFailed(run: RunState, info: JobErrorInfo, final: boolean): void {
    run.outcome = final ? 'failed' : 'retrying';
    if (final) {
      this.publish(run.id, { type: 'error', error: info });
      void this.deps.events.end(run.id, 'failed');
    } else {
      this.publish(run.id, { type: 'status', status: 'delayed', reason: info.message });
    }
    this.deps.logger.error(
      `end ${run.label} failed in ${elapsed(run)} ms (${final ? 'final' : 'will retry'}): ${info.message}`,
    );
  }
}

function elapsed(run: RunState): number {
  return Math.round(performance.now() - run.started);
}
