import { metricsRegistry } from '@switchboard/observability';
import { Counter } from 'prom-client';

/** Thresholds crossed, counted once per pool, period and threshold (where first recorded). */
export const budgetAlertsTotal = new Counter({
  name: 'switchboard_budget_alerts_total',
  help: 'Budget alert thresholds crossed (each pool, period and threshold once)',
  labelNames: ['scope', 'threshold', 'mode'] as const,
  registers: [metricsRegistry],
});

/** Webhook deliveries by result: delivered, retrying (an attempt failed), failed (gave up). */
export const webhookDeliveriesTotal = new Counter({
  name: 'switchboard_webhook_deliveries_total',
  help: 'Alert webhook delivery attempts by result',
  labelNames: ['result'] as const,
  registers: [metricsRegistry],
});

/** Settlements where a provider reported more input than the call reserved, by model. */
export const inputBoundExceededTotal = new Counter({
  name: 'switchboard_llm_input_bound_exceeded_total',
  help: "Calls whose provider counted more input tokens than the model's reserved bound",
  labelNames: ['model'] as const,
  registers: [metricsRegistry],
});
