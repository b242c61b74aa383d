import { Module } from '@nestjs/common';
import { TenantsModule } from '@switchboard/auth';
import { BudgetModule } from '@switchboard/budget';
import { ConfigModule } from '@switchboard/config';
import { InvocationDrain, InvocationLog } from '@switchboard/llm';
import { PersistenceModule } from '@switchboard/persistence';
import { RedisModule } from '@switchboard/redis';

/**
 * What the router needs from the platform and nothing more: config, the shared Redis client
 * (for the provider gate and budgets), the invocation log on PostgreSQL, budgets, and tenants
 * to own a pool. No LlmService, so no health checks reach the fake server while calls are
 * being timed.
 */
@Module({
  imports: [
    ConfigModule,
    PersistenceModule.forRoot('bench-router'),
    RedisModule,
    BudgetModule,
    TenantsModule,
  ],
  // The log flushes through the drainer (idle with LLM_INVOCATION_LOG=memory).
  providers: [InvocationLog, InvocationDrain],
})
export class RouterBenchModule {}
