import {
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
  type Provider,
} from '@nestjs/common';
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

const CONNECT_WAIT_MS = 10_000;

/**
 * Boot waits for the shared connection, so the first submission doesn't meet a connection
 * still opening (adds fail fast rather than queue up). It stops waiting at the first error:
 * with Redis down the app still starts, and readiness and submissions report it. Closes the
 * connection once the queues are closed.
 */
export class QueueRedisLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(private readonly client: Redis) {}

  async onModuleInit(): Promise<void> {
    if (this.client.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.client.off('ready', done).off('error', done);
        resolve();
      };
      const timer = setTimeout(done, CONNECT_WAIT_MS);
      this.client.once('ready', done).once('error', done);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
