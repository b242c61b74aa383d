import { metricsRegistry } from '@switchboard/observability';
import { Counter } from 'prom-client';

/**
 * Reservations a pool refused, by the refusing pool's scope. The router asks again for each
 * cheaper candidate, so one refused call may count more than once.
 */
export const budgetRefusalsTotal = new Counter({
  name: 'switchboard_budget_refusals_total',
  help: 'Budget reservations refused, by the scope of the pool that refused',
  labelNames: ['scope'] as const,
  registers: [metricsRegistry],
});
