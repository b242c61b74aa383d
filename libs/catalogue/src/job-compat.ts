/**
 * The compatibility version stamped on every job's data when it is enqueued (`JobData.compat`).
 *
 * Rule: bump it when a job's data or its handling changes so that a worker of an older version
 * would mishandle the job (a new payload field it must read, a changed meaning, a new role or
 * step kind). A worker runs any job whose compat is at most its own; it hands a newer job back
 * to the queue, without spending an attempt, for a newer worker to run. So during a blue-green
 * deploy the old colour's workers never fail the new colour's jobs.
 *
 * Changes an older worker handles correctly (a new optional field it may ignore, a fix) need no
 * bump: a bump makes old workers idle on new jobs until the deploy ends.
 */
export const JOB_COMPAT_VERSION = 1;

/** Jobs enqueued before stamping existed carry no compat: they count as version 1. */
export const UNSTAMPED_JOB_COMPAT = 1;

/** The version this process stamps and accepts: the code's, unless config overrides it. */
export function effectiveJobCompat(override?: number): number {
  return override ?? JOB_COMPAT_VERSION;
}

/** A job's stamped compat; an unstamped (older) job counts as version 1. */
export function jobCompatOf(data: { compat?: unknown }): number {
  const { compat } = data;
  return typeof compat === 'number' && Number.isInteger(compat) ? compat : UNSTAMPED_JOB_COMPAT;
}

/** Whether a worker at `workerCompat` may run a job stamped `jobCompat`. */
export function canRunJob(jobCompat: number, workerCompat: number): boolean {
  return jobCompat <= workerCompat;
}
