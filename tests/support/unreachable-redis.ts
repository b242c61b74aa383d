import Redis from 'ioredis';
import { freePort } from '../../scripts/embedded/free-port';

/**
 * A Redis client whose server is gone, as during an outage: nothing listens on its port, it
 * never reconnects and queues nothing, so every command fails at once with a connection error.
 */
export async function unreachableRedis(): Promise<Redis> {
  const client = new Redis({
    host: '127.0.0.1',
    port: await freePort(),
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  return client;
}
