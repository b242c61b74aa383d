import { z } from 'zod';
import { intFromEnv, type Env } from './env';

export const workerSchema = z.object({
  // `pattern[:concurrency[@max/durationMs]]`, comma separated. See README "Worker pools".
  WORKER_POOLS: z.string().min(1).default('agent.*.t*:10'),
  WORKER_SHUTDOWN_GRACE_MS: intFromEnv(0, 3_600_000).default(30_000),
  WORKER_LOCK_DURATION_MS: intFromEnv(1000, 3_600_000).default(30_000),
  WORKER_STALLED_INTERVAL_MS: intFromEnv(1000, 3_600_000).default(30_000),
  WORKER_MAX_STALLED_COUNT: intFromEnv(0, 1000).default(3),
  // Unset: the code's JOB_COMPAT_VERSION. Set only to rehearse a deploy (see docs/operations.md).
  JOB_COMPAT_VERSION: z.preprocess(
    (v) => (v === '' ? undefined : v),
    intFromEnv(1, 1_000_000).optional(),
  ),
  WORKER_INCOMPATIBLE_RETRY_MS: intFromEnv(10, 3_600_000).default(1_000),
  // Unset: no metrics server. 0 picks a free port (logged at boot).
  METRICS_PORT: z.preprocess((v) => (v === '' ? undefined : v), intFromEnv(0, 65535).optional()),
});

export interface WorkerConfig {
  pools: string;
  shutdownGraceMs: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  /**
   * How often a job may lose its worker (crash, kill) and be taken over before it fails as
   * stalled. Answered LLM calls are journaled, so a takeover does not pay for them again.
   */
  maxStalledCount: number;
  /**
   * Overrides the code's job compatibility version, in the API (the stamp on new jobs) and the
   * worker (the newest jobs it runs). For rehearsing a deploy; undefined in normal use.
   */
  jobCompatVersion?: number;
  /** How long a job too new for this worker waits, delayed, before a worker looks again. */
  incompatibleRetryMs: number;
  /** Port of the worker's `GET /metrics` server (on API_HOST); undefined: no server. */
  metricsPort?: number;
}

export function workerConfig(env: Env): WorkerConfig {
  const v = workerSchema.parse(env);
  return {
    pools: v.WORKER_POOLS,
    shutdownGraceMs: v.WORKER_SHUTDOWN_GRACE_MS,
    lockDurationMs: v.WORKER_LOCK_DURATION_MS,
    stalledIntervalMs: v.WORKER_STALLED_INTERVAL_MS,
    maxStalledCount: v.WORKER_MAX_STALLED_COUNT,
    jobCompatVersion: v.JOB_COMPAT_VERSION,
    incompatibleRetryMs: v.WORKER_INCOMPATIBLE_RETRY_MS,
    metricsPort: v.METRICS_PORT,
  };
}
