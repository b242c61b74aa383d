import type { BudgetClock } from './budget.types';

/** Provides the BudgetClock that period keys follow; tests bind their own. */
export const BUDGET_CLOCK = Symbol('BUDGET_CLOCK');

/** Optional: provides the BudgetAlertSink crossed thresholds go to (logged when unbound). */
export const BUDGET_ALERT_SINK = Symbol('BUDGET_ALERT_SINK');

export const systemClock: BudgetClock = { now: () => new Date() };
