import type { RedisConfig, WorkerConfig } from '@switchboard/config';
import { createRedisConnection, redisOptionsFromUrl } from '@switchboard/redis';
import type { WorkerOptions } from 'bullmq';

export interface PoolLimits {
  concurrency: number;
  limiter?: { max: number; duration: number };
}

/**
 * Options of every BullMQ Worker that runs our jobs: its own blocking connection (BullMQ needs
 * maxRetriesPerRequest: null there; on a Redis Cluster, a lazy Cluster that never connects
 * itself: BullMQ duplicates it for the connections it opens, and closes those), the locks that stalled-job recovery depends on, and the
 * pool's limits. Worker pools and the benchmark both use this, so they measure the same thing.
 */
export function bullWorkerOptions(
  redis: RedisConfig,
  worker: WorkerConfig,
  pool: PoolLimits,
): WorkerOptions {
  return {
    connection:
      redis.clusterNodes.length > 0
        ? createRedisConnection(redis, { maxRetriesPerRequest: null, lazyConnect: true })
        : { ...redisOptionsFromUrl(redis.url), maxRetriesPerRequest: null },
    prefix: redis.prefix,
    concurrency: pool.concurrency,
    limiter: pool.limiter,
    lockDuration: worker.lockDurationMs,
    stalledInterval: worker.stalledIntervalMs,
    maxStalledCount: worker.maxStalledCount,
  };
}
