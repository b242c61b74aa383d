import { Injectable, Logger } from '@nestjs/common';
import {
  effectiveJobCompat,
  jobDefinition,
  type JobData,
  type JobInput,
  type Role,
} from '@switchboard/catalogue';
import { Config } from '@switchboard/config';
import { InvocationLog, LlmService } from '@switchboard/llm';
import { JobRecordsRepository } from '@switchboard/persistence';
import { JobControlService, JobSubmissionService } from '@switchboard/queue';
import { JobEventsPublisher } from '@switchboard/streams';
import { UnrecoverableError, type Job } from 'bullmq';
import { JobCancelledError, JobTimeoutError } from '../actor-errors';
import { ActorRegistry } from '../actor-registry';
import { CapabilityRegistry } from '../capabilities/capability-registry';
import type { ActorMessage } from '../actor.types';
import { ActiveJobs } from './active-jobs';
import { AnswerJournal } from './answer-journal';
import { GuardedLlm } from './guarded-llm';
import { InFlightWork } from './in-flight-work';
import { JobActorContext } from './job-actor-context';
import { JobCompatGate } from './job-compat-gate';
import { observeJobRun, observeQueueWait } from './job.metrics';
import { JobStepsRepository } from './job-steps.repository';
import { ranBefore } from './ran-before';
import { RunEndings, stopReason, type RunState } from './run-endings';

/**
 * The one wrapper around every handler: logs start and end with the duration, keeps the
 * job record and the job's event stream in step, enforces the timeout, stops a cancelled
 * run, and maps failures to BullMQ's semantics.
 */
@Injectable()
export class JobRunner {
  private readonly logger = new Logger('JobRunner');
  readonly active = new ActiveJobs();
  private readonly endings: RunEndings;
  private readonly compat: JobCompatGate;

  constructor(
    private readonly registry: ActorRegistry,
    private readonly records: JobRecordsRepository,
    private readonly submission: JobSubmissionService,
    control: JobControlService,
    private readonly llm: LlmService,
    invocations: InvocationLog,
    events: JobEventsPublisher,
    private readonly answers: AnswerJournal,
    private readonly capabilities: CapabilityRegistry,
    private readonly stepRows: JobStepsRepository,
    config: Config,
  ) {
    this.endings = new RunEndings({ records, control, invocations, events, logger: this.logger });
    const { jobCompatVersion, incompatibleRetryMs } = config.worker;
    this.compat = new JobCompatGate(
      effectiveJobCompat(jobCompatVersion),
      incompatibleRetryMs,
      this.logger,
    );
  }

  async run(job: Job<JobData>, token?: string): Promise<unknown> {
    // First of all: a job from a newer, incompatible version goes back untouched.
    const tooNew = await this.compat.handBackIfNewer(job, token);
    if (tooNew) throw tooNew;
    const id = job.id as string;
    const attempt = job.attemptsMade + 1;
    const controller = new AbortController();
    const run: RunState = {
      job,
      token,
      id,
      attempt,
      label: `${job.queueName} ${id} attempt ${attempt}`,
      started: performance.now(),
      signal: controller.signal,
      work: new InFlightWork(),
    };
    this.logger.log(`start ${run.label}`);
    observeQueueWait(job, !ranBefore(job));
    const timeoutMs = job.data.timeoutMs ?? jobDefinition(job.data.role).options.timeoutMs;
    const timer = setTimeout(() => controller.abort(new JobTimeoutError(timeoutMs)), timeoutMs);
    // Registered before the 'active' write: a cancel accepted after that write finds the run
    // here (its signal is sent after), one accepted before it is seen by the write itself.
    this.active.add(id, controller);
    // The 'active' write overlaps the handler; every later write of this run awaits it first,
    // so the record never goes back from an outcome to 'active'.
    const markedActive = this.records.markActive(id, attempt).then((live) => {
      if (!live) controller.abort(new JobCancelledError());
      else this.endings.publish(id, { type: 'status', status: 'active', attempt });
    });
    markedActive.catch(() => undefined);
    try {
      const result = await this.handle(run, markedActive);
      run.outcome = 'completed';
      return result;
    } catch (error) {
      await markedActive.catch(() => undefined);
      throw await this.endings.failure(run, error);
    } finally {
      clearTimeout(timer);
      this.active.delete(id, controller);
      observeJobRun(job, run.outcome ?? 'failed', performance.now() - run.started);
    }
  }

  /**
   * BullMQ's 'completed' event: the job can run no more, so its journaled answers can go (not
   * sooner: a worker killed before BullMQ completed the job leaves it to run again).
   */
  onWorkerCompleted(job: Job<JobData>): void {
    this.answers.forget(job.id as string).catch(() => undefined); // it expires anyway
    // A completed job never runs again (retry and replay take failed jobs only).
    this.stepRows.forget(job.id as string).catch(() => undefined); // they go with the record
  }

  /** BullMQ's 'failed' event: catches final failures that never reached `run` (stall limit). */
  async onWorkerFailed(job: Job<JobData>, error: Error): Promise<void> {
    if (!job.finishedOn) return; // a retry is coming; `run` recorded this attempt
    const id = job.id as string;
    // BullMQ's stall limit is the one way a job fails without reaching `run`.
    const code = /stalled/i.test(error.message) ? 'stalled' : 'worker-error';
    const info = { message: error.message, code, retryable: false };
    if (await this.records.markFailedIfUnfinished(id, info, job.attemptsMade)) {
      observeJobRun(job, code === 'stalled' ? 'stalled' : 'failed');
      this.endings.endedOutside(id, 'failed', info);
      this.logger.error(`${job.queueName} ${id} failed outside its handler: ${error.message}`);
    } else if (await this.records.markCancelled(id, { onlyIfRequested: true })) {
      // Its cancel was accepted: it ends cancelled, however BullMQ ended it.
      this.endings.endedOutside(id, 'cancelled');
      this.logger.warn(`${job.queueName} ${id} cancelled (it failed outside its handler)`);
    }
  }

  private async handle(run: RunState, markedActive: Promise<void>): Promise<unknown> {
    const { job, signal } = run;
    const { role, tier, privacy, tenantId, maxTier, streamFailover, traceId, apiKeyId } = job.data;
    const definition = jobDefinition(role);
    const rawInput = job.data.input ?? (await this.records.findById(run.id))?.input;
    const input = definition.input.parse(rawInput) as JobInput<Role>;
    const message: ActorMessage<Role> = {
      jobId: run.id,
      tenantId,
      role,
      tier,
      privacy,
      input,
      ...(job.data.allowedTools ? { allowedTools: job.data.allowedTools } : {}),
      attempt: run.attempt,
    };
    const routed = this.llm.clientFor({
      tier,
      privacy,
      maxTier,
      streamFailover,
      signal,
      job: {
        jobId: run.id,
        tenantId,
        role,
        traceId: traceId ?? run.id,
        apiKeyId: apiKeyId ?? null,
      },
    });
    // Steps of earlier runs: answers from Redis, the other steps from Postgres (read only by a
    // job that ran before, like the answers).
    const [answers, recorded] = await Promise.all([
      this.answers.load(job),
      ranBefore(job) ? this.stepRows.load(run.id) : undefined,
    ]);
    const core = new JobActorContext({
      job,
      answers,
      recorded,
      stepRows: this.stepRows,
      slots: this.answers.slots(run.id),
      token: run.token,
      message,
      llm: new GuardedLlm(routed, signal, run.work),
      signal,
      submission: this.submission,
      records: this.records,
      work: run.work,
      events: this.endings.sink(run.id),
    });
    run.ctx = core;
    const ctx = this.capabilities.attach(core, {
      message,
      llm: core.llm,
      signal,
      events: this.endings.sink(run.id),
      steps: core.steps,
      track: (work) => run.work.track(work),
    });
    // The race lets an abort end the run even if a handler ignores the signal.
    const result = await Promise.race([
      this.registry.handlerFor(role).handle(message, ctx),
      abortOf(signal),
    ]);
    const checked = definition.result.safeParse(result);
    if (!checked.success) {
      throw new UnrecoverableError(
        `Actor '${role}' returned a result that breaks its schema: ${checked.error.message}`,
      );
    }
    await markedActive;
    // A cancel seen by the 'active' write wins over a result that came meanwhile.
    const stop = stopReason(signal, undefined);
    if (stop) throw stop;
    const usage = core.usage();
    // Refused when a cancel was accepted first: then the job ends cancelled, not completed.
    if (!(await this.records.markCompleted(run.id, checked.data, usage, run.attempt))) {
      throw new JobCancelledError();
    }
    this.endings.completed(run, checked.data, usage);
    return checked.data;
  }
}

function abortOf(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason as Error);
    else signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
  });
}
