// Budgets: pool definitions (Postgres), live counters and reservations (Redis Lua), so a
// tenant never spends past its limits however many calls run at once; periods, alerts.
// The LLM router reserves before each call and settles after it; the API reads status.
export * from './budget.types';
export { BudgetModule } from './budget.module';
export { BudgetService, type BudgetCounters, type BudgetStatusFilter } from './budget.service';
export {
  BudgetPoolsRepository,
  type BudgetAlertRecord,
  type BudgetPoolFilter,
  type StoredBudgetPool,
} from './budget-pools.repository';
export { BudgetPoolsCache, applicablePools } from './budget-pools.cache';
export { BudgetPoolCollector } from './budget-pool.collector';
export type { BudgetPoolPatch, NewBudgetPool } from './budget-pool.validation';
export { InvalidBudgetPoolError } from './budget.errors';
export { BUDGET_ALERT_SINK, BUDGET_CLOCK, systemClock } from './budget.tokens';
export { canonicalTimezone, periodOf, type PeriodWindow } from './periods';
export {
  ceilDiv,
  crossedThresholds,
  floorDiv,
  lowerToBudget,
  quoteCost,
  thresholdMicros,
  type Lowering,
} from './budget-math';
