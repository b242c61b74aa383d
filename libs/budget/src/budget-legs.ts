import type { BudgetKeys } from './budget-redis';
import type { BudgetPool, ReservationLeg } from './budget.types';
import { periodOf, type PeriodWindow } from './periods';

const DAY_MS = 86_400_000;
/** Counters outlive their period by this, for late settlements and the reconciler. */
export const COUNTER_GRACE_MS = 3 * DAY_MS;
/** Job counters slide: long enough for a deferred job to wait out a monthly reset. */
export const JOB_COUNTER_TTL_MS = 40 * DAY_MS;

/** One pool's part in a call: its counter key now, the period, and the counter's TTL. */
export interface PlannedLeg extends ReservationLeg {
  counter: string;
  window: PeriodWindow;
}

const LIFETIME: PeriodWindow = { key: 'lifetime', start: null, resetsAt: null };

export function planLeg(
  keys: BudgetKeys,
  pool: BudgetPool,
  now: Date,
  jobId: string | null,
): PlannedLeg {
  if (pool.scope === 'job') {
    const counter = keys.counter(pool.id, LIFETIME.key, jobId);
    return {
      pool,
      periodKey: LIFETIME.key,
      jobId,
      counterTtlMs: JOB_COUNTER_TTL_MS,
      counter,
      window: LIFETIME,
    };
  }
  const window = periodOf(pool, now);
  // Relative to the budget clock, so an injected clock in tests gets sensible TTLs too.
  const counterTtlMs = window.resetsAt
    ? Math.max(window.resetsAt.getTime() - now.getTime(), 0) + COUNTER_GRACE_MS
    : 0;
  const counter = keys.counter(pool.id, window.key);
  return { pool, periodKey: window.key, jobId: null, counterTtlMs, counter, window };
}
