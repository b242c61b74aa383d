import { z } from 'zod';
import { requiredInProduction, type Env } from './env';

const clusterNode = /^[A-Za-z0-9.-]+:\d{1,5}$/;

export const redisSchema = z
  .object({
    REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'),
    // A hash tag ({...}) keeps every key of a queue on one Redis Cluster slot.
    QUEUE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_{}:-]+$/, 'letters, digits, _ - : { } only')
      .default('{sb}'),
    // Seed nodes of a Redis Cluster (host:port,host:port); REDIS_URL then gives only the
    // credentials and TLS. Empty: a single Redis at REDIS_URL.
    REDIS_CLUSTER_NODES: z
      .string()
      .default('')
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .refine((nodes) => nodes.every((n) => clusterNode.test(n)), 'must be host:port,host:port'),
  })
  .refine((v) => v.REDIS_CLUSTER_NODES.length === 0 || /^[^{]*\{[^}]+\}/.test(v.QUEUE_PREFIX), {
    message: 'QUEUE_PREFIX must carry a {hash tag} on a Redis Cluster',
    path: ['QUEUE_PREFIX'],
  });

export interface RedisNode {
  host: string;
  port: number;
}

export interface RedisConfig {
  url: string;
  prefix: string;
  /** Seed nodes of a Redis Cluster; empty for a single Redis. */
  clusterNodes: RedisNode[];
}

export function redisConfig(env: Env): RedisConfig {
  const v = redisSchema.parse({
    ...env,
    REDIS_URL: requiredInProduction(env, 'REDIS_URL', 'redis://127.0.0.1:6379'),
  });
  const clusterNodes = v.REDIS_CLUSTER_NODES.map((n) => {
    const at = n.lastIndexOf(':');
    return { host: n.slice(0, at), port: Number(n.slice(at + 1)) };
  });
  return { url: v.REDIS_URL, prefix: v.QUEUE_PREFIX, clusterNodes };
}
