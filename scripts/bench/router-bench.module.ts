import { Module } from '@nestjs/common';
import { ConfigModule } from '@switchboard/config';
import { InvocationLog } from '@switchboard/llm';
import { PersistenceModule } from '@switchboard/persistence';
import { RedisModule } from '@switchboard/redis';

/**
 * What the router needs from the platform and nothing more: config, the shared Redis client
 * (for the provider gate) and the invocation log on PostgreSQL. No LlmService, so no health
 * checks reach the fake server while calls are being timed.
 */
@Module({
  imports: [ConfigModule, PersistenceModule.forRoot('bench-router'), RedisModule],
  providers: [InvocationLog],
})
export class RouterBenchModule {}
