import { microsToDollars, type BudgetAlert } from '@switchboard/budget';

export const BUDGET_ALERT_EVENT = 'budget.threshold_crossed';

/** The JSON body of an alert webhook; amounts in micros with a dollar string beside each. */
export interface BudgetAlertPayload {
  event: typeof BUDGET_ALERT_EVENT;
  /** Stable per pool, period and threshold: receivers dedupe retried deliveries on it. */
  alertId: string;
  poolId: string;
  tenantId: string;
  scope: BudgetAlert['pool']['scope'];
  apiKeyId: string | null;
  jobId: string | null;
  period: BudgetAlert['pool']['period'];
  periodKey: string;
  mode: BudgetAlert['pool']['mode'];
  threshold: number;
  spentMicros: number;
  spent: string;
  limitMicros: number;
  limit: string;
  /** When the threshold was crossed (ISO 8601); delivery may be later. */
  timestamp: string;
}

/** BullMQ job ids may not contain ':' (job pools' period keys do). */
export function budgetAlertId(alert: Pick<BudgetAlert, 'pool' | 'periodKey' | 'threshold'>) {
  return `budget-${alert.pool.id}-${alert.periodKey.replaceAll(':', '_')}-${alert.threshold}`;
}

export function toBudgetAlertPayload(alert: BudgetAlert, at: Date): BudgetAlertPayload {
  const { pool } = alert;
  return {
    event: BUDGET_ALERT_EVENT,
    alertId: budgetAlertId(alert),
    poolId: pool.id,
    tenantId: pool.tenantId,
    scope: pool.scope,
    apiKeyId: pool.apiKeyId,
    jobId: alert.jobId,
    period: pool.period,
    periodKey: alert.periodKey,
    mode: pool.mode,
    threshold: alert.threshold,
    spentMicros: alert.spentMicros,
    spent: microsToDollars(alert.spentMicros),
    limitMicros: alert.limitMicros,
    limit: microsToDollars(alert.limitMicros),
    timestamp: at.toISOString(),
  };
}
