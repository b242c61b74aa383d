import type { JobInput, JobResult, Role, Tier, Usage } from '@switchboard/catalogue';
import type { LlmClient } from '@switchboard/llm';
import type { ActorCapabilities } from './capabilities/capability.types';

/** What a handler receives: the job's identity and its validated input. */
export interface ActorMessage<R extends Role> {
  jobId: string;
  tenantId: string;
  role: R;
  tier: Tier;
  privacy: boolean;
  input: JobInput<R>;
  /** Tool-name patterns the job narrowed its role's tool allowlist to (absent: the whole list). */
  allowedTools?: readonly string[];
  /** 1 on the first attempt. */
  attempt: number;
}

export interface SendOptions {
  tier?: Tier;
  priority?: number;
  delay?: number;
}

/** A child job for spawnAndWait; its tier defaults to the parent's. */
export type ChildSpec = { [R in Role]: { role: R; input: JobInput<R>; tier?: Tier } }[Role];

export type ChildResults<C extends readonly ChildSpec[]> = {
  [K in keyof C]: C[K] extends { role: infer R extends Role } ? JobResult<R> : never;
};

/** The core every job gets; capability libs add members (`ctx.tools`...) to ActorCapabilities. */
export interface ActorContext extends ActorCapabilities {
  /** LLM calls, bound to this job's tier and privacy, aborted with the job. */
  readonly llm: LlmClient;
  /** Aborts on cancel, timeout or shutdown hand-back; after that, writes through ctx are refused. */
  readonly signal: AbortSignal;
  /** Enqueues a job on another actor's mailbox, for the same tenant. Fire and forget. */
  send<R extends Role>(role: R, input: JobInput<R>, opts?: SendOptions): Promise<{ jobId: string }>;
  /**
   * Runs child jobs and resumes with their results, in order. The parent waits in BullMQ's
   * waiting-children state, holding no worker slot; its earlier steps are replayed, not redone.
   */
  spawnAndWait<const C extends readonly ChildSpec[]>(children: C): Promise<ChildResults<C>>;
  progress(value: number | Record<string, unknown>): Promise<void>;
  /** Usage of every LLM call this job has made so far. */
  usage(): Usage;
}

export interface ActorHandler<R extends Role> {
  handle(message: ActorMessage<R>, ctx: ActorContext): Promise<JobResult<R>>;
}
