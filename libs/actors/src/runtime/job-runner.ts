import { Injectable, Logger } from '@nestjs/common';
import { jobDefinition, type JobData, type JobInput, type Role } from '@switchboard/catalogue';
import { BudgetExceededError, LlmService } from '@switchboard/llm';
import { JobRecordsRepository } from '@switchboard/persistence';
import { JobSubmissionService } from '@switchboard/queue';
import {
  DelayedError,
  UnrecoverableError,
  WaitingChildrenError,
  WaitingError,
  type Job,
} from 'bullmq';
import { HandBackSignal, JobTimeoutError } from '../actor-errors';
import { ActorRegistry } from '../actor-registry';
import type { ActorMessage } from '../actor.types';
import { ActiveJobs } from './active-jobs';
import { classifyError } from './classify-error';
import { JobActorContext } from './job-actor-context';

/**
 * The one wrapper around every handler: logs start and end with the duration, keeps the
 * job record in step, enforces the role's timeout, and maps failures to BullMQ's semantics.
 */
@Injectable()
export class JobRunner {
  private readonly logger = new Logger('JobRunner');
  readonly active = new ActiveJobs();

  constructor(
    private readonly registry: ActorRegistry,
    private readonly records: JobRecordsRepository,
    private readonly submission: JobSubmissionService,
    private readonly llm: LlmService,
  ) {}

  async run(job: Job<JobData>, token?: string): Promise<unknown> {
    const started = performance.now();
    const id = job.id as string;
    const attempt = job.attemptsMade + 1;
    const label = `${job.queueName} ${id} attempt ${attempt}`;
    this.logger.log(`start ${label}`);
    const controller = new AbortController();
    const options = jobDefinition(job.data.role).options;
    const timer = setTimeout(
      () => controller.abort(new JobTimeoutError(options.timeoutMs)),
      options.timeoutMs,
    );
    this.active.add(controller);
    // The 'active' write overlaps the handler; every later write of this run awaits it first,
    // so the record never goes back from an outcome to 'active'.
    const markedActive = this.records.markActive(id, attempt);
    markedActive.catch(() => undefined);
    try {
      const result = await this.handle(job, token, attempt, controller.signal, markedActive);
      const ms = Math.round(performance.now() - started);
      this.logger.log(`end ${label} completed in ${ms} ms`);
      return result;
    } catch (error) {
      await markedActive.catch(() => undefined);
      throw await this.onFailure(job, token, error, controller.signal, label, started);
    } finally {
      clearTimeout(timer);
      this.active.delete(controller);
    }
  }

  /** BullMQ's 'failed' event: catches final failures that never reached `run` (stall limit). */
  async onWorkerFailed(job: Job<JobData>, error: Error): Promise<void> {
    if (!job.finishedOn) return; // a retry is coming; `run` recorded this attempt
    // BullMQ's stall limit is the one way a job fails without reaching `run`.
    const code = /stalled/i.test(error.message) ? 'stalled' : 'worker-error';
    const info = { message: error.message, code, retryable: false };
    if (await this.records.markFailedIfUnfinished(job.id as string, info, job.attemptsMade)) {
      this.logger.error(`${job.queueName} ${job.id} failed outside its handler: ${error.message}`);
    }
  }

  private async handle(
    job: Job<JobData>,
    token: string | undefined,
    attempt: number,
    signal: AbortSignal,
    markedActive: Promise<void>,
  ): Promise<unknown> {
    const { role, tier, privacy, tenantId, maxTier, streamFailover, traceId, apiKeyId } = job.data;
    const definition = jobDefinition(role);
    const rawInput = job.data.input ?? (await this.records.findById(job.id as string))?.input;
    const input = definition.input.parse(rawInput) as JobInput<Role>;
    const message: ActorMessage<Role> = {
      jobId: job.id as string,
      tenantId,
      role,
      tier,
      privacy,
      input,
      attempt,
    };
    const ctx = new JobActorContext({
      job,
      token,
      message,
      llm: this.llm.clientFor({
        tier,
        privacy,
        maxTier,
        streamFailover,
        signal,
        job: {
          jobId: message.jobId,
          tenantId,
          role,
          traceId: traceId ?? message.jobId,
          apiKeyId: apiKeyId ?? null,
        },
      }),
      signal,
      submission: this.submission,
      records: this.records,
    });
    const aborted = new Promise<never>((_, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    });
    // The race lets a timeout or hand-back end the run even if a handler ignores the signal.
    const result = await Promise.race([
      this.registry.handlerFor(role).handle(message, ctx),
      aborted,
    ]);
    const checked = definition.result.safeParse(result);
    if (!checked.success) {
      throw new UnrecoverableError(
        `Actor '${role}' returned a result that breaks its schema: ${checked.error.message}`,
      );
    }
    await markedActive;
    await this.records.markCompleted(job.id as string, checked.data, ctx.usage(), attempt);
    return checked.data;
  }

  /** The budget is spent for this period: the job waits, delayed, until the period resets. */
  private async defer(
    job: Job<JobData>,
    token: string,
    until: Date,
    error: BudgetExceededError,
    label: string,
    ms: number,
  ): Promise<unknown> {
    const id = job.id as string;
    await job.moveToDelayed(until.getTime(), token);
    await this.records.markDeferred(id, until, {
      message: `Deferred until ${until.toISOString()}: ${error.message}`,
      code: 'BUDGET_DEFERRED',
      retryable: true,
    });
    this.logger.warn(`end ${label} deferred until ${until.toISOString()} (budget) after ${ms} ms`);
    return new DelayedError();
  }

  private async onFailure(
    job: Job<JobData>,
    token: string | undefined,
    error: unknown,
    signal: AbortSignal,
    label: string,
    started: number,
  ): Promise<unknown> {
    const id = job.id as string;
    const ms = Math.round(performance.now() - started);
    if (error instanceof WaitingChildrenError) {
      await this.records.setStatus(id, 'waiting_children');
      this.logger.log(`end ${label} waiting for children after ${ms} ms`);
      return error;
    }
    if (error instanceof BudgetExceededError && job.data.budgetPolicy === 'defer' && token) {
      const until = error.refusal.resetsAt;
      if (until) return this.defer(job, token, until, error, label, ms);
    }
    if (signal.reason instanceof HandBackSignal && token) {
      await job.moveToWait(token);
      await this.records.setStatus(id, 'queued');
      this.logger.warn(`end ${label} handed back to the queue after ${ms} ms (shutdown)`);
      return new WaitingError();
    }
    const info = classifyError(error);
    const final = !info.retryable || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    await this.records
      .markFailed(
        id,
        { message: info.message, code: info.code, retryable: info.retryable },
        job.attemptsMade + 1,
        final,
      )
      .catch((e: Error) => this.logger.error(`could not record failure of ${id}: ${e.message}`));
    this.logger.error(
      `end ${label} failed in ${ms} ms (${final ? 'final' : 'will retry'}): ${info.message}`,
    );
    return info.retryable ? error : new UnrecoverableError(info.message);
  }
}
