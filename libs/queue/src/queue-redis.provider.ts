import { Logger, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { Config } from '@switchboard/config';
import Redis from 'ioredis';
import { redisOptionsFromUrl } from './redis-options';

export const QUEUE_REDIS = Symbol('QUEUE_REDIS');

/**
 * One shared connection for every producer Queue. No offline queue: while Redis is down,
 * adds fail at once instead of piling up in memory (BullMQ's production advice).
 */
export const queueRedisProvider: Provider = {
  provide: QUEUE_REDIS,
  inject: [Config],
  useFactory: (config: Config) => {
    const logger = new Logger('QueueRedis');
    const client = new Redis({
      ...redisOptionsFromUrl(config.redis.url),
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
    });
    client.on('error', (error: Error) => logger.error(`Redis: ${error.message}`));
    return client;
  },
};

/** Closes the shared connection once the queues are closed. */
export class QueueRedisCloser implements OnApplicationShutdown {
  constructor(private readonly client: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
