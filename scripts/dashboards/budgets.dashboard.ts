// Budgets: spend against limit per pool, reservations held, refusals and alerts. Pools are
// per tenant, so their figures come from PostgreSQL; Prometheus has per-pool gauges only for
// the tenants the operator opted in.
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { prom, sql, table, timeSeries, USD } from './panels';

export const BUDGETS_UID = 'switchboard-budgets';

export function budgetsDashboard(): DashboardBuilder {
  return new DashboardBuilder('Switchboard / Budgets')
    .uid(BUDGETS_UID)
    .tags(['switchboard', 'budgets'])
    .description('Spend against limit per pool, reservations, refusals and budget alerts.')
    .withPanel(
      table(
        {
          title: 'Spend against limit per pool (current period)',
          description:
            "Tenant and key pools: cost_micros of llm_invocations since the start of the pool's current period (in its time zone), against its limit. The live counters are in Redis; the log lags them by its flush interval (the reconciler compares the two). Per-job pools are per job and not listed.",
          width: 24,
          height: 10,
        },
        sql(`
WITH pools AS (
  SELECT p.*,
         CASE p.period
           WHEN 'daily' THEN date_trunc('day', now() AT TIME ZONE p.timezone) AT TIME ZONE p.timezone
           WHEN 'weekly' THEN date_trunc('week', now() AT TIME ZONE p.timezone) AT TIME ZONE p.timezone
           WHEN 'monthly' THEN date_trunc('month', now() AT TIME ZONE p.timezone) AT TIME ZONE p.timezone
           ELSE '-infinity'::timestamptz
         END AS period_start
    FROM budget_pools p
   WHERE p.scope IN ('tenant', 'api_key')
)
SELECT pools.tenant_id,
       t.name AS tenant,
       pools.scope,
       k.name AS api_key,
       pools.period,
       pools.mode,
       pools.period_start,
       round(pools.limit_micros / 1e6, 6) AS limit_usd,
       round(COALESCE(spent.micros, 0) / 1e6, 6) AS spent_usd,
       round(100.0 * COALESCE(spent.micros, 0) / NULLIF(pools.limit_micros, 0), 1) AS used_pct
  FROM pools
  JOIN tenants t ON t.id = pools.tenant_id
  LEFT JOIN api_keys k ON k.id = pools.api_key_id
  LEFT JOIN LATERAL (
    SELECT sum(i.cost_micros) AS micros
      FROM llm_invocations i
     WHERE i.tenant_id = pools.tenant_id
       AND i.created_at >= pools.period_start
       AND (pools.scope = 'tenant' OR i.api_key_id = pools.api_key_id)
  ) spent ON true
 ORDER BY used_pct DESC NULLS LAST, spent_usd DESC`),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Pool spend against limit (opted-in tenants)',
          description:
            'switchboard_budget_pool_spend_microdollars / switchboard_budget_pool_limit_microdollars: only the tenants named in METRICS_TENANT_LABELS have these gauges; every tenant is in the table above.',
          unit: 'percentunit',
          min: 0,
          thresholds: [
            { value: null, color: 'green' },
            { value: 0.8, color: 'orange' },
            { value: 0.95, color: 'red' },
          ],
        },
        prom(
          'max by (tenant, scope, period) (switchboard_budget_pool_spend_microdollars) / max by (tenant, scope, period) (switchboard_budget_pool_limit_microdollars > 0)',
          '{{tenant}} {{scope}} {{period}}',
        ),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Pool spend and limit (opted-in tenants)',
          description:
            'Dollars spent this period, held by reservations now, and the limit, for the tenants named in METRICS_TENANT_LABELS.',
          unit: USD,
        },
        prom(
          'max by (tenant, scope, period) (switchboard_budget_pool_spend_microdollars) / 1e6',
          '{{tenant}} {{scope}} {{period}} spent',
        ),
        prom(
          'max by (tenant, scope, period) (switchboard_budget_pool_limit_microdollars) / 1e6',
          '{{tenant}} {{scope}} {{period}} limit',
        ),
        prom(
          'max by (tenant, scope, period) (switchboard_budget_pool_reserved_microdollars) / 1e6',
          '{{tenant}} {{scope}} {{period}} reserved',
        ),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Reservations held',
          description:
            "Budget reservations held in Redis now: LLM calls in flight, every process's.",
          unit: 'short',
          min: 0,
        },
        prom('max(switchboard_budget_reservations_held)', 'held'),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Refusals by scope',
          description:
            "Reservations a pool refused, per interval, by the refusing pool's scope (a refused call may count once per cheaper candidate tried).",
          unit: 'short',
          bars: true,
        },
        prom(
          'sum by (scope) (increase(switchboard_budget_refusals_total[$__rate_interval]))',
          '{{scope}}',
        ),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Alerts fired',
          description:
            'Budget thresholds crossed, per interval, by scope, threshold and mode. BudgetPast95Percent pages at 95% or more.',
          unit: 'short',
          bars: true,
        },
        prom(
          'sum by (scope, threshold, mode) (increase(switchboard_budget_alerts_total[$__rate_interval]))',
          '{{scope}} {{threshold}}% {{mode}}',
        ),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Alerts per hour by threshold (budget_alerts)',
          description: 'Alerts recorded in PostgreSQL (once per pool, period and threshold).',
          unit: 'short',
          bars: true,
          stacked: true,
        },
        sql(
          `
SELECT $__timeGroupAlias(created_at, '1h'),
       threshold || '%' AS metric,
       count(*) AS value
  FROM budget_alerts
 WHERE $__timeFilter(created_at)
 GROUP BY 1, 2
 ORDER BY 1`,
          'time_series',
        ),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Alert webhook deliveries',
          description: 'Delivery attempts by result, per interval.',
          unit: 'short',
          bars: true,
        },
        prom(
          'sum by (result) (increase(switchboard_webhook_deliveries_total[$__rate_interval]))',
          '{{result}}',
        ),
      ),
    )
    .withPanel(
      table(
        {
          title: 'Alerts fired in range',
          description: 'The latest 200 budget alerts, with the pool and tenant.',
          width: 24,
        },
        sql(`
SELECT a.created_at AS time,
       a.tenant_id,
       t.name AS tenant,
       p.scope,
       p.period,
       p.mode,
       a.period_key,
       a.threshold,
       round(a.spent_micros / 1e6, 6) AS spent_usd,
       round(a.limit_micros / 1e6, 6) AS limit_usd
  FROM budget_alerts a
  JOIN budget_pools p ON p.id = a.pool_id
  LEFT JOIN tenants t ON t.id = a.tenant_id
 WHERE $__timeFilter(a.created_at)
 ORDER BY a.created_at DESC
 LIMIT 200`),
      ),
    )
    .withPanel(
      table(
        {
          title: 'Budget-exhausted and lost calls',
          description:
            'Attempts cut off by their budget (budget_exhausted) and reservations charged for a dead worker (lost), from the invocation log.',
        },
        sql(`
SELECT o.outcome,
       count(i.id) AS attempts,
       round(COALESCE(sum(i.cost_micros), 0) / 1e6, 6) AS charged_usd
  FROM (VALUES ('budget_exhausted'), ('lost')) AS o (outcome)
  LEFT JOIN llm_invocations i
    ON i.outcome = o.outcome
   AND $__timeFilter(i.created_at)
 GROUP BY o.outcome
 ORDER BY o.outcome`),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Input bound exceeded',
          description:
            "Settlements where a provider counted more input than was reserved: raise the model's inputTokenFactor.",
          unit: 'short',
          bars: true,
        },
        prom(
          'sum by (model) (increase(switchboard_llm_input_bound_exceeded_total[$__rate_interval]))',
          '{{model}}',
        ),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Invocation log backlog',
          description:
            'Rows settled but not yet in PostgreSQL (the table panels lag by this), and the age of the oldest.',
          unit: 'short',
        },
        prom('max by (log) (switchboard_invocation_log_pending)', 'pending {{log}}'),
        prom('max(switchboard_invocation_log_flush_lag_seconds)', 'flush lag (s)'),
      ),
    );
}
