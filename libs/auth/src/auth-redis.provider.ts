import { once } from 'node:events';
import { type FactoryProvider, Logger } from '@nestjs/common';
import { Config } from '@switchboard/config';
import { Redis } from 'ioredis';

/** The auth lib's own Redis connection (rate limits). Not exported from the lib. */
export const AUTH_REDIS = Symbol('AUTH_REDIS');

const FIRST_CONNECT_WAIT_MS = 5_000;

export const authRedisProvider: FactoryProvider<Redis> = {
  provide: AUTH_REDIS,
  inject: [Config],
  useFactory: async (config: Config): Promise<Redis> => {
    const logger = new Logger('AuthRedis');
    // No offline queue: while Redis is down, calls fail at once instead of piling up.
    const client = new Redis(config.redis.url, {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      lazyConnect: false,
      connectionName: 'switchboard-auth',
    });
    // Log once per outage rather than once per reconnection attempt.
    let down = false;
    client.on('error', (error: Error) => {
      if (!down) logger.error(`Redis for rate limits is unavailable: ${error.message}`);
      down = true;
    });
    client.on('ready', () => {
      if (down) logger.log('Redis for rate limits is back');
      down = false;
    });
    await firstConnection(client);
    return client;
  },
};

/**
 * Waits until the client is ready, so the first requests after boot are limited too,
 * but never holds up boot when Redis is down: the first error or a timeout ends the wait.
 */
async function firstConnection(client: Redis): Promise<void> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), FIRST_CONNECT_WAIT_MS);
  try {
    await Promise.race([
      once(client, 'ready', { signal: abort.signal }),
      once(client, 'error', { signal: abort.signal }),
    ]);
  } catch {
    // Timed out: ioredis keeps reconnecting in the background.
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}
