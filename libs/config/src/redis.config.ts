import { z } from 'zod';
import { requiredInProduction, type Env } from './env';

export const redisSchema = z.object({
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'),
  // A hash tag ({...}) keeps every key of a queue on one Redis Cluster slot.
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_{}:-]+$/, 'letters, digits, _ - : { } only')
    .default('{sb}'),
});

export interface RedisConfig {
  url: string;
  prefix: string;
}

export function redisConfig(env: Env): RedisConfig {
  const v = redisSchema.parse({
    ...env,
    REDIS_URL: requiredInProduction(env, 'REDIS_URL', 'redis://127.0.0.1:6379'),
  });
  return { url: v.REDIS_URL, prefix: v.QUEUE_PREFIX };
}
