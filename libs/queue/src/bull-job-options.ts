import { jobDefinition, type Role } from '@switchboard/catalogue';
import type { JobsOptions } from 'bullmq';

export interface EnqueueOptions {
  jobId: string;
  priority?: number;
  delay?: number;
  /** Set for children of spawnAndWait: the parent resumes when they have all finished. */
  parent?: { id: string; queue: string };
}

/** BullMQ options for one job: the role's catalogue defaults plus per-job choices. */
export function bullJobOptions(role: Role, opts: EnqueueOptions): JobsOptions {
  const defaults = jobDefinition(role).options;
  return {
    jobId: opts.jobId,
    priority: opts.priority,
    delay: opts.delay,
    attempts: defaults.attempts,
    backoff: {
      type: 'exponential',
      delay: defaults.backoff.delayMs,
      jitter: defaults.backoff.jitter,
    },
    removeOnComplete: {
      age: defaults.retention.completed.ageSeconds,
      count: defaults.retention.completed.count,
    },
    removeOnFail: {
      age: defaults.retention.failed.ageSeconds,
      count: defaults.retention.failed.count,
    },
    ...(opts.parent ? { parent: opts.parent, ignoreDependencyOnFailure: true } : {}),
  };
}
