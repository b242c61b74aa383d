import { z } from 'zod';
import { intFromEnv, type Env } from './env';

export const workerSchema = z.object({
  // `pattern[:concurrency[@max/durationMs]]`, comma separated. See README "Worker pools".
  WORKER_POOLS: z.string().min(1).default('agent.*.t*:10'),
  WORKER_SHUTDOWN_GRACE_MS: intFromEnv(0, 3_600_000).default(30_000),
  WORKER_LOCK_DURATION_MS: intFromEnv(1000, 3_600_000).default(30_000),
  WORKER_STALLED_INTERVAL_MS: intFromEnv(1000, 3_600_000).default(30_000),
});

export interface WorkerConfig {
  pools: string;
  shutdownGraceMs: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
}

export function workerConfig(env: Env): WorkerConfig {
  const v = workerSchema.parse(env);
  return {
    pools: v.WORKER_POOLS,
    shutdownGraceMs: v.WORKER_SHUTDOWN_GRACE_MS,
    lockDurationMs: v.WORKER_LOCK_DURATION_MS,
    stalledIntervalMs: v.WORKER_STALLED_INTERVAL_MS,
  };
}
