import { metricsRegistry } from '@switchboard/observability';
import { Gauge } from 'prom-client';

/** Live budget reservations in Redis (calls in flight holding their worst case), every process's. */
export const budgetReservationsHeld = new Gauge({
  name: 'switchboard_budget_reservations_held',
  help: 'Budget reservations currently held in Redis (calls in flight)',
  registers: [metricsRegistry],
});
