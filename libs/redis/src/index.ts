// Redis connection: one shared ioredis command client per process (producers, rate limits,
// health), waited for at boot and closed at shutdown, plus URL parsing for BullMQ workers.
export { RedisModule } from './redis.module';
export { REDIS_CLIENT } from './redis-client.provider';
export { redisOptionsFromUrl, type RedisEndpoint } from './redis-options';
export { createRedisConnection, duplicateRedis, isRedisCluster } from './redis-connection';
export { keySlot, nodeForKey } from './redis-slot';
