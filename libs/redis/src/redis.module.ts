import { Global, Module } from '@nestjs/common';
import { REDIS_CLIENT, redisClientProvider } from './redis-client.provider';
import { RedisLifecycle } from './redis-lifecycle';

/** Provides REDIS_CLIENT to every module of the app. */
@Global()
@Module({
  providers: [redisClientProvider, RedisLifecycle],
  exports: [REDIS_CLIENT],
})
export class RedisModule {}
