import type { Job } from 'bullmq';

/**
 * Whether an earlier run of the job may have journaled steps: a retry, a stalled job taken
 * over, a parent resuming after its children. A first run has nothing to read, so it reads
 * nothing.
 */
export function ranBefore(job: Job): boolean {
  return job.attemptsStarted > 1 || job.attemptsMade > 0 || job.stalledCounter > 0;
}
