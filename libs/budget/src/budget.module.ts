import { Global, Module } from '@nestjs/common';
import { BudgetPoolsCache } from './budget-pools.cache';
import { BudgetPoolsRepository } from './budget-pools.repository';
import { BudgetService } from './budget.service';
import { BUDGET_CLOCK, systemClock } from './budget.tokens';

/**
 * Budget pools and enforcement. Global, so the API and the LLM router share one instance.
 * Needs the host app's global Config, RedisModule (REDIS_CLIENT) and PersistenceModule.
 * Bind BUDGET_ALERT_SINK in a global module to receive crossed thresholds; override
 * BUDGET_CLOCK in tests to cross period boundaries.
 */
@Global()
@Module({
  providers: [
    BudgetPoolsRepository,
    BudgetPoolsCache,
    BudgetService,
    { provide: BUDGET_CLOCK, useValue: systemClock },
  ],
  exports: [BudgetPoolsRepository, BudgetPoolsCache, BudgetService, BUDGET_CLOCK],
})
export class BudgetModule {}
