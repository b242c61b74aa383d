import type { RedisConfig } from '@switchboard/config';
import Redis, { Cluster, type RedisOptions } from 'ioredis';
import { redisOptionsFromUrl } from './redis-options';

/**
 * A new connection to the configured Redis: a single server at REDIS_URL, or, with
 * REDIS_CLUSTER_NODES, an ioredis Cluster seeded by those nodes (REDIS_URL then gives only
 * the credentials and TLS; a cluster has no database number).
 *
 * The Cluster is returned typed as `Redis`: it has the same command methods, and every key
 * the platform uses starts with the prefix's {hash tag}, so scripts, pipelines, MULTI and
 * multi-key reads all land on one slot. What differs is keyless commands (CLIENT, PING),
 * which go to any node; `nodeForKey` finds the node that serves a key.
 */
export function createRedisConnection(redis: RedisConfig, options: RedisOptions = {}): Redis {
  const endpoint = redisOptionsFromUrl(redis.url);
  if (redis.clusterNodes.length === 0) return new Redis({ ...endpoint, ...options });
  // The offline queue and lazy connecting belong to the cluster: its node connections are
  // lazy and must queue their first command while they connect.
  const { enableOfflineQueue, lazyConnect, ...nodeOptions } = options;
  const cluster = new Cluster(redis.clusterNodes, {
    enableOfflineQueue: enableOfflineQueue ?? true,
    lazyConnect: lazyConnect ?? false,
    redisOptions: {
      username: endpoint.username,
      password: endpoint.password,
      tls: endpoint.tls,
      ...nodeOptions,
    },
  });
  return cluster as unknown as Redis;
}

/** Whether a connection from `createRedisConnection` is a Cluster. */
export function isRedisCluster(client: Redis): boolean {
  return (client as unknown as Cluster).isCluster === true;
}

/**
 * A second connection with the same settings plus `options` (Cluster.duplicate takes seed
 * nodes first, Redis.duplicate the options).
 */
export function duplicateRedis(client: Redis, options: RedisOptions = {}): Redis {
  if (!isRedisCluster(client)) return client.duplicate(options);
  const cluster = client as unknown as Cluster;
  const { enableOfflineQueue, lazyConnect, ...nodeOptions } = options;
  return cluster.duplicate([], {
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
    ...(lazyConnect === undefined ? {} : { lazyConnect }),
    redisOptions: { ...cluster.options.redisOptions, ...nodeOptions },
  }) as unknown as Redis;
}
