import { Logger, type Provider } from '@nestjs/common';
import { Config } from '@switchboard/config';
import { createRedisConnection } from './redis-connection';

export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

/**
 * The process's one command connection: BullMQ producers, rate limits and health share it.
 * No offline queue: while Redis is down, calls fail at once instead of piling up in memory.
 * (BullMQ workers open their own blocking connections.)
 */
export const redisClientProvider: Provider = {
  provide: REDIS_CLIENT,
  inject: [Config],
  useFactory: (config: Config) => {
    const logger = new Logger('Redis');
    const client = createRedisConnection(config.redis, {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      connectionName: 'switchboard',
    });
    // Log once per outage rather than once per reconnection attempt.
    let down = false;
    client.on('error', (error: Error) => {
      if (!down) logger.error(`Redis is unavailable: ${error.message}`);
      down = true;
    });
    client.on('ready', () => {
      if (down) logger.log('Redis is back');
      down = false;
    });
    return client;
  },
};
