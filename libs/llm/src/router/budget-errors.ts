import type { BudgetRefusal } from '@switchboard/budget';
import { RoutingError } from './routing-errors';

/**
 * No candidate fits the budget. Not retryable: a job whose budget policy is `defer` is
 * delayed until `refusal.resetsAt` instead of failing.
 */
export class BudgetExceededError extends RoutingError {
  constructor(readonly refusal: BudgetRefusal) {
    super(
      'BUDGET_EXCEEDED',
      `The ${refusal.period} ${refusal.scope} budget ${refusal.poolId} has ` +
        `${refusal.remainingMicros} micro-dollars left of ${refusal.limitMicros}; the call ` +
        `needs at least ${refusal.neededMicros}` +
        (refusal.resetsAt ? ` (it resets at ${refusal.resetsAt.toISOString()}).` : '.'),
      false,
    );
    this.name = 'BudgetExceededError';
  }
}
