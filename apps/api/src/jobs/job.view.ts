import type { JobStatus, Role, Tier, Usage } from '@switchboard/catalogue';
import type { JobEntity, JobErrorInfo } from '@switchboard/persistence';

/** A job as clients see it. Money is integer micro-dollars. */
export interface JobView {
  id: string;
  role: Role;
  tier: Tier;
  status: JobStatus;
  privacy: boolean;
  maxTier: Tier;
  streamFailover: 'fail' | 'restart';
  traceId: string | null;
  priority: number | null;
  delay: number | null;
  /** The job's own timeout; null means its role's default. */
  timeoutMs: number | null;
  parentId: string | null;
  progress: unknown;
  result: unknown;
  error: JobErrorInfo | null;
  attempts: { made: number; max: number };
  usage: Usage;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Set once a cancel was accepted: the job ends `cancelled` (its worker is stopping it). */
  cancelRequestedAt: string | null;
  links: { self: string; events: string; cancel: string; retry: string };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toJobView(job: JobEntity, live?: { progress: unknown } | null): JobView {
  const self = `/v1/jobs/${job.id}`;
  return {
    id: job.id,
    role: job.role,
    tier: job.tier,
    status: job.status,
    privacy: job.privacy,
    maxTier: job.maxTier ?? job.tier,
    streamFailover: job.streamFailover ?? 'fail',
    traceId: job.traceId,
    priority: job.priority,
    delay: job.delayMs,
    timeoutMs: job.timeoutMs ?? null,
    parentId: job.parentId,
    progress: live?.progress ?? job.progress ?? null,
    result: job.result ?? null,
    error: job.error,
    attempts: { made: job.attemptsMade, max: job.maxAttempts },
    usage: {
      inputTokens: job.inputTokens,
      outputTokens: job.outputTokens,
      costMicros: job.costMicros,
    },
    createdAt: job.createdAt.toISOString(),
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.finishedAt),
    cancelRequestedAt: iso(job.cancelRequestedAt),
    links: { self, events: `${self}/events`, cancel: `${self}/cancel`, retry: `${self}/retry` },
  };
}
