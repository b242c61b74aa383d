import {
  jobDefinition,
  type JobData,
  type JobInput,
  type JobRequest,
  type Role,
  type Usage,
} from '@switchboard/catalogue';
import type { AnswerSlot, LlmClient } from '@switchboard/llm';
import { JobRecordsRepository } from '@switchboard/persistence';
import type { JobSubmissionService } from '@switchboard/queue';
import { WaitingChildrenError, type Job } from 'bullmq';
import { ChildJobsFailedError, NonRetryableError } from '../actor-errors';
import type { ActorCapabilities } from '../capabilities/capability.types';
import type {
  ActorContext,
  ActorMessage,
  ChildResults,
  ChildSpec,
  SendOptions,
} from '../actor.types';
import { deterministicUuid } from './deterministic-id';
import type { InFlightWork } from './in-flight-work';
import type { DurableSteps } from '../capabilities/capability.types';
import type { DurableStep, JobStepsRepository } from './job-steps.repository';
import { JournaledSteps } from './journaled-steps';
import { StepJournal, type Step } from './step-journal';
import { MeteredLlm, type JobEventSink } from './usage-meter';

export interface ContextDeps {
  job: Job<JobData>;
  token: string | undefined;
  message: ActorMessage<Role>;
  llm: LlmClient;
  signal: AbortSignal;
  submission: JobSubmissionService;
  records: JobRecordsRepository;
  /** Where each send, spawn and once step is written, one row per step. */
  stepRows: JobStepsRepository;
  /** Steps earlier runs wrote there, by position (none on a first run). */
  recorded?: ReadonlyMap<number, Step>;
  /** The run's writes and calls in flight; the runner waits for them after an abort. */
  work: InFlightWork;
  /** The job's event stream: tokens and news from the LLM, and progress. */
  events?: JobEventSink;
  /** Answers earlier runs paid for (from the durable journal), by step position. */
  answers?: ReadonlyMap<number, Step>;
  /** Where each new answer is journaled. */
  slots?: (position: number) => AnswerSlot;
}

/**
 * The `ctx` an actor's handler gets for one run of one job. Once the run is over by abort
 * (cancel, timeout, hand-back), every method that writes refuses: it throws the abort reason
 * and writes nothing, even for a handler that ignored the signal and carried on.
 */
export class JobActorContext implements Omit<ActorContext, keyof ActorCapabilities> {
  readonly llm: MeteredLlm;
  readonly signal: AbortSignal;
  /** Side-effecting steps of capabilities, journaled with send and spawn. */
  readonly steps: DurableSteps;
  private readonly journal: StepJournal;
  /** The job went to BullMQ's waiting-children: this run no longer holds it. */
  released = false;

  constructor(private readonly deps: ContextDeps) {
    // A job enqueued when the journal lived in its payload still replays those steps.
    const legacy = (deps.job.data.steps ?? []) as (Step | null)[];
    this.journal = new StepJournal(legacy, deps.recorded, deps.answers);
    this.llm = new MeteredLlm(deps.llm, this.journal, deps.events, deps.slots);
    this.signal = deps.signal;
    this.steps = new JournaledSteps(this.journal, (position, step) =>
      this.persistStep(position, step),
    );
  }

  usage(): Usage {
    return this.llm.usage();
  }

  async send<R extends Role>(
    role: R,
    input: JobInput<R>,
    opts: SendOptions = {},
  ): Promise<{ jobId: string }> {
    this.refuseIfOver();
    const replayed = this.journal.replay('send');
    if (replayed) return { jobId: replayed.jobId };
    // Claimed first, so sends made concurrently keep the positions (and ids) of call order.
    const position = this.journal.claim();
    const jobId = this.childId(position, 0);
    await this.write(() =>
      this.submitChild({ role, input, tier: opts.tier } as ChildSpec, jobId, opts),
    );
    const step = { kind: 'send', jobId } as const;
    this.journal.fill(position, step);
    // Lost if the run dies first: the replay submits the same id again, which is idempotent.
    await this.persistStep(position, step);
    return { jobId };
  }

  async spawnAndWait<const C extends readonly ChildSpec[]>(children: C): Promise<ChildResults<C>> {
    const { job, token } = this.deps;
    this.refuseIfOver();
    let replayed = this.journal.replay('spawn');
    if (!replayed) {
      const position = this.journal.position;
      const childIds = children.map((_, k) => this.childId(position, k));
      // Journal first: if we crash after submitting, the replay finds the same child ids.
      const step = { kind: 'spawn', childIds } as const;
      this.journal.record(step);
      await this.persistStep(position, step);
      const parent = { id: job.id as string, queue: job.queueQualifiedName };
      for (const [k, child] of children.entries()) {
        await this.write(() => this.submitChild(child, childIds[k], {}, parent));
      }
      replayed = { kind: 'spawn', childIds };
    }
    if (!token) throw new Error('spawnAndWait needs the worker lock token');
    if (await this.write(() => job.moveToWaitingChildren(token))) {
      this.released = true;
      throw new WaitingChildrenError();
    }
    return (await this.collect(replayed.childIds)) as ChildResults<C>;
  }

  async progress(value: number | Record<string, unknown>): Promise<void> {
    await this.write(async () => {
      await this.deps.job.updateProgress(value);
      await this.deps.records.setProgress(this.deps.message.jobId, value);
      this.deps.events?.publish({ type: 'progress', value });
    });
  }

  /** One row per step (the job's payload never grows with its steps). */
  private persistStep(position: number, step: DurableStep): Promise<void> {
    const jobId = this.deps.message.jobId;
    return this.write(() => this.deps.stepRows.save(jobId, position, step));
  }

  /** Runs one write of the run, unless the run is over; tracked until it settles. */
  private write<T>(work: () => Promise<T>): Promise<T> {
    this.refuseIfOver();
    return this.deps.work.track(work());
  }

  private refuseIfOver(): void {
    if (this.deps.signal.aborted) throw this.deps.signal.reason;
  }

  private childId(position: number, k: number): string {
    return deterministicUuid(`${this.deps.message.jobId}:${position}:${k}`);
  }

  private async submitChild(
    child: ChildSpec,
    id: string,
    opts: SendOptions,
    parent?: { id: string; queue: string },
  ): Promise<void> {
    const parsed = jobDefinition(child.role).input.safeParse(child.input);
    if (!parsed.success) {
      throw new NonRetryableError(
        `Invalid input for child '${child.role}': ${parsed.error.message}`,
        'invalid-child-input',
      );
    }
    const { message } = this.deps;
    await this.deps.submission.submit(
      message.tenantId,
      {
        role: child.role,
        tier: child.tier ?? opts.tier ?? message.tier,
        input: parsed.data,
        // A private job's children stay private, and keep its failover rules.
        privacy: message.privacy,
        priority: opts.priority,
        delay: opts.delay,
        ...this.inheritedRouting(child.tier ?? opts.tier ?? message.tier),
      },
      {
        id,
        parent,
        traceId: this.deps.job.data.traceId ?? message.jobId,
        apiKeyId: this.deps.job.data.apiKeyId,
      },
    );
  }

  private inheritedRouting(
    tier: number,
  ): Pick<JobRequest, 'maxTier' | 'streamFailover' | 'budgetPolicy' | 'allowedTools'> {
    const { maxTier, streamFailover, budgetPolicy, allowedTools } = this.deps.job.data;
    return {
      ...(maxTier !== undefined && maxTier > tier ? { maxTier } : {}),
      ...(streamFailover ? { streamFailover } : {}),
      ...(budgetPolicy ? { budgetPolicy } : {}),
      // A narrowed job's children stay as narrow (within their own role's allowlist).
      ...(allowedTools ? { allowedTools } : {}),
    };
  }

  private async collect(childIds: string[]): Promise<unknown[]> {
    const { job } = this.deps;
    const values = await job.getChildrenValues();
    const failures = await job.getIgnoredChildrenFailures();
    const byId = (map: Record<string, unknown>, id: string) =>
      Object.entries(map).find(([key]) => key.endsWith(`:${id}`));
    const failed = childIds.flatMap((id) => {
      const failure = byId(failures, id);
      return failure ? [`${id}: ${String(failure[1])}`] : [];
    });
    if (failed.length > 0) throw new ChildJobsFailedError(failed);
    return childIds.map((id) => {
      const value = byId(values, id);
      if (!value) throw new ChildJobsFailedError([`${id}: no result`]);
      return value[1];
    });
  }
}
