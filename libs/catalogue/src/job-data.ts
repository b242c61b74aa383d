import type { JobInput } from './catalogue';
import type { Role } from './roles';
import type { Tier } from './tiers';

/** Lifecycle of a job record, as clients see it. */
export const JOB_STATUSES = [
  'queued',
  'delayed',
  'active',
  'waiting_children',
  'completed',
  'failed',
  'cancelled',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const FINISHED_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];

/**
 * The BullMQ payload. It carries ids and small inputs only; large inputs stay in Postgres
 * (`inputRef`), results always do. Never put secrets here.
 */
export interface JobData<R extends Role = Role> {
  tenantId: string;
  /**
   * The compatibility version of the code that enqueued the job (see `JOB_COMPAT_VERSION`).
   * Absent on jobs enqueued before stamping existed: they count as version 1.
   */
  compat?: number;
  role: R;
  tier: Tier;
  privacy: boolean;
  /** Escalation ceiling for the router; the job's own tier when absent. */
  maxTier?: Tier;
  streamFailover?: 'fail' | 'restart';
  budgetPolicy?: 'fail' | 'defer';
  /** The job's own timeout; the role's default when absent. */
  timeoutMs?: number;
  /** Tool-name patterns narrowing the role's tool allowlist (the job's `allowedTools`). */
  allowedTools?: string[];
  /** The API key that submitted the job (or its root): its key budgets apply. */
  apiKeyId?: string;
  /** Shared by a job and all its descendants: the root job's id unless the client sent one. */
  traceId?: string;
  input?: JobInput<R>;
  inputRef?: true;
  /**
   * Never written any more: a job's steps are rows of `job_steps` (the actors lib), so the
   * payload does not grow with them. Still read, and replayed, for jobs enqueued by a version
   * that kept its steps here.
   */
  steps?: unknown[];
}

/** Inputs above this size (bytes of JSON) are read from Postgres by the worker. */
export const INLINE_INPUT_LIMIT_BYTES = 16 * 1024;
