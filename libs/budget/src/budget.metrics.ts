import { metricsRegistry } from '@switchboard/observability';
import { Counter, Gauge } from 'prom-client';

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

/** One opted-in tenant pool's figures in its current period. */
export interface PoolGaugeReading {
  tenant: string;
  scope: string;
  period: string;
  spentMicros: number;
  limitMicros: number;
  reservedMicros: number;
}

/** The last read of the opted-in tenants' pools (METRICS_TENANT_LABELS); empty otherwise. */
let poolReadings: PoolGaugeReading[] = [];

/** Keeps one read of every opted-in tenant's pools for the next scrapes (BudgetPoolCollector). */
export function recordBudgetPools(readings: PoolGaugeReading[]): void {
  poolReadings = readings;
}

const poolLabels = ['tenant', 'scope', 'period'] as const;

function poolGauge(name: string, help: string, pick: (r: PoolGaugeReading) => number) {
  return new Gauge({
    name,
    help,
    labelNames: poolLabels,
    registers: [metricsRegistry],
    collect() {
      this.reset();
      for (const r of poolReadings) {
        this.set({ tenant: r.tenant, scope: r.scope, period: r.period }, pick(r));
      }
    },
  });
}

/**
 * Per-pool spend, limit and reservations in the current period, only for the tenants the
 * operator named in METRICS_TENANT_LABELS (the one bounded tenant label).
 */
export const budgetPoolSpend = poolGauge(
  'switchboard_budget_pool_spend_microdollars',
  'Spend of an opted-in tenant pool in its current period',
  (r) => r.spentMicros,
);
export const budgetPoolLimit = poolGauge(
  'switchboard_budget_pool_limit_microdollars',
  'Limit of an opted-in tenant pool per period',
  (r) => r.limitMicros,
);
export const budgetPoolReserved = poolGauge(
  'switchboard_budget_pool_reserved_microdollars',
  'Reservations held against an opted-in tenant pool now',
  (r) => r.reservedMicros,
);
