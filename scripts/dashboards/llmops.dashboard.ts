// LLMOps: what LLM calls cost, how fast and how reliably they answer, and which tier is
// cheapest for each role. Prometheus for the live picture, the invocation log for per-role
// and per-tenant figures (roles and tenants are not Prometheus labels).
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { prom, promInstant, sql, stat, table, timeSeries, USD } from './panels';

export const LLMOPS_UID = 'switchboard-llmops';

export function llmopsDashboard(): DashboardBuilder {
  return new DashboardBuilder('Switchboard / LLMOps')
    .uid(LLMOPS_UID)
    .tags(['switchboard', 'llm'])
    .description(
      'Cost, volume, latency and reliability of LLM calls (one attempt = one invocation).',
    )
    .withPanel(
      stat(
        {
          title: 'Spend in range',
          description: 'Cost of every attempt in the time range (Prometheus counters).',
          unit: USD,
          decimals: 2,
        },
        promInstant(
          'sum(increase(switchboard_llm_cost_microdollars_total[$__range])) / 1e6',
          'spend',
        ),
      ),
    )
    .withPanel(
      stat(
        {
          title: 'Spend in range (invocation log)',
          description:
            'The same spend summed from llm_invocations: it lags the counters by the log flush interval.',
          unit: USD,
          decimals: 2,
        },
        sql(`
SELECT COALESCE(sum(cost_micros), 0) / 1e6 AS spend
  FROM llm_invocations
 WHERE $__timeFilter(created_at)`),
      ),
    )
    .withPanel(
      stat(
        {
          title: 'Attempts in range',
          description: 'LLM call attempts (a failed-over call counts one per candidate tried).',
          unit: 'short',
        },
        promInstant('sum(increase(switchboard_llm_calls_total[$__range]))', 'attempts'),
      ),
    )
    .withPanel(
      stat(
        {
          title: 'Attempt success rate',
          description:
            "ok / (ok + failed + failed_over) over the range; cancellations and budget refusals are not the provider's doing.",
          unit: 'percentunit',
          decimals: 1,
          thresholds: [
            { value: null, color: 'red' },
            { value: 0.9, color: 'orange' },
            { value: 0.98, color: 'green' },
          ],
        },
        promInstant(
          'sum(increase(switchboard_llm_calls_total{outcome="ok"}[$__range])) / sum(increase(switchboard_llm_calls_total{outcome=~"ok|failed|failed_over"}[$__range]))',
          'success rate',
        ),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Cost over time by tier',
          description:
            'Dollars per hour, by tier (recording rule tier:switchboard_llm_cost_microdollars:rate5m).',
          unit: USD,
          stacked: true,
        },
        prom(
          'sum by (tier) (tier:switchboard_llm_cost_microdollars:rate5m) * 3600 / 1e6',
          'tier {{tier}}',
        ),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Invocations by tier',
          description: 'LLM call attempts per second, by tier.',
          unit: 'reqps',
          stacked: true,
        },
        prom('sum by (tier) (provider_tier_outcome:switchboard_llm_calls:rate5m)', 'tier {{tier}}'),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Latency percentiles',
          description: 'Attempt duration, start to end, every provider.',
          unit: 's',
        },
        prom(
          'histogram_quantile(0.5, sum by (le) (rate(switchboard_llm_call_duration_seconds_bucket[$__rate_interval])))',
          'p50',
        ),
        prom(
          'histogram_quantile(0.95, sum by (le) (rate(switchboard_llm_call_duration_seconds_bucket[$__rate_interval])))',
          'p95',
        ),
        prom(
          'histogram_quantile(0.99, sum by (le) (rate(switchboard_llm_call_duration_seconds_bucket[$__rate_interval])))',
          'p99',
        ),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Time to first token',
          description: 'Streamed attempts that produced a token: p50 overall and p95 per provider.',
          unit: 's',
        },
        prom(
          'histogram_quantile(0.5, sum by (le) (rate(switchboard_llm_time_to_first_token_seconds_bucket[$__rate_interval])))',
          'p50 (all)',
        ),
        prom('provider:switchboard_llm_time_to_first_token_seconds:p95_5m', 'p95 {{provider}}'),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Success rate by provider',
          description: 'ok / (ok + failed + failed_over) over 5 minutes.',
          unit: 'percentunit',
          min: 0,
          max: 1,
        },
        prom('provider:switchboard_llm_calls_ok:ratio_rate5m', '{{provider}}'),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Tokens',
          description: 'Tokens per second as providers reported them: input, output, cached input.',
          unit: 'short',
          stacked: true,
        },
        prom(
          'sum by (direction) (provider_direction:switchboard_llm_tokens:rate5m)',
          '{{direction}}',
        ),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Spend by role',
          description:
            'Dollars per hour by agent role, from the invocation log (role is not a Prometheus label).',
          unit: USD,
          stacked: true,
          bars: true,
        },
        sql(
          `
SELECT $__timeGroupAlias(created_at, '1h'),
       COALESCE(role, '(none)') AS metric,
       sum(cost_micros) / 1e6 AS value
  FROM llm_invocations
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
          title: 'Daily cost by tier (rollup)',
          description:
            'Per UTC day from llm_invocations_daily, refreshed every few minutes by the worker.',
          unit: USD,
          stacked: true,
          bars: true,
        },
        sql(
          `
SELECT (day::timestamp AT TIME ZONE 'UTC') AS time,
       'tier ' || tier AS metric,
       sum(cost_micros) / 1e6 AS value
  FROM llm_invocations_daily
 WHERE day >= ($__timeFrom()::timestamptz AT TIME ZONE 'UTC')::date
   AND day <= ($__timeTo()::timestamptz AT TIME ZONE 'UTC')::date
 GROUP BY 1, 2
 ORDER BY 1`,
          'time_series',
        ),
      ),
    )
    .withPanel(
      table(
        {
          title: 'Cheapest tier that succeeds, per role',
          description:
            "From the daily rollup over the range's UTC days: for each role the lowest tier whose finished calls succeed at least 95% of the time (at least 20 calls); empty when no tier of that role qualifies. Same logic as sql/analytics/cheapest-successful-tier-by-role.sql.",
          width: 24,
        },
        sql(`
WITH by_tier AS (
  SELECT role,
         tier,
         COALESCE(sum(calls) FILTER (WHERE outcome NOT IN ('failed_over', 'cancelled')), 0) AS calls,
         COALESCE(sum(calls) FILTER (WHERE outcome = 'ok'), 0) AS successes,
         COALESCE(sum(cost_micros) FILTER (WHERE outcome = 'ok'), 0) AS ok_cost_micros,
         sum(cost_micros) AS total_cost_micros
    FROM llm_invocations_daily
   WHERE day >= ($__timeFrom()::timestamptz AT TIME ZONE 'UTC')::date
     AND day <= ($__timeTo()::timestamptz AT TIME ZONE 'UTC')::date
     AND role <> ''
   GROUP BY role, tier
),
qualified AS (
  SELECT DISTINCT ON (role) *
    FROM by_tier
   WHERE calls >= 20
     AND successes::numeric / calls >= 0.95
   ORDER BY role, tier
)
SELECT r.role,
       q.tier AS cheapest_tier,
       q.calls::bigint AS calls,
       round(q.successes::numeric / q.calls, 4) AS success_rate,
       round(q.ok_cost_micros::numeric / NULLIF(q.successes, 0) / 1e6, 6) AS avg_cost_per_success_usd,
       round(q.total_cost_micros::numeric / NULLIF(q.successes, 0) / 1e6, 6) AS total_cost_per_success_usd
  FROM (SELECT DISTINCT role FROM by_tier) r
  LEFT JOIN qualified q ON q.role = r.role
 ORDER BY r.role`),
      ),
    )
    .withPanel(
      table(
        {
          title: 'Cost by model in range',
          description: 'Dollars per provider and model over the range (Prometheus counters).',
          unit: USD,
        },
        promInstant(
          'sort_desc(sum by (provider, model) (increase(switchboard_llm_cost_microdollars_total[$__range])) / 1e6)',
          '{{provider}} {{model}}',
        ),
      ),
    )
    .withPanel(
      table(
        {
          title: 'Top tenants by spend',
          description:
            'The 20 tenants that spent most in the range, from the invocation log (operators only: tenant ids are never Prometheus labels).',
        },
        sql(`
SELECT i.tenant_id,
       t.name AS tenant,
       count(*) AS attempts,
       sum(i.input_tokens + i.output_tokens) AS tokens,
       round(sum(i.cost_micros) / 1e6, 6) AS spend_usd
  FROM llm_invocations i
  LEFT JOIN tenants t ON t.id = i.tenant_id
 WHERE $__timeFilter(i.created_at)
 GROUP BY i.tenant_id, t.name
 ORDER BY spend_usd DESC
 LIMIT 20`),
      ),
    )
    .withPanel(
      table(
        {
          title: 'Latency by tier and provider (invocation log)',
          description:
            'Observed p50/p95/p99 of ok attempts (percentile_disc over raw rows), and time to first token.',
          width: 24,
        },
        sql(`
SELECT tier,
       provider,
       count(*) AS attempts,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY latency_ms) AS latency_p50_ms,
       percentile_disc(0.95) WITHIN GROUP (ORDER BY latency_ms) AS latency_p95_ms,
       percentile_disc(0.99) WITHIN GROUP (ORDER BY latency_ms) AS latency_p99_ms,
       percentile_disc(0.95) WITHIN GROUP (ORDER BY ttft_ms) AS ttft_p95_ms
  FROM llm_invocations
 WHERE $__timeFilter(created_at)
   AND outcome = 'ok'
 GROUP BY tier, provider
 ORDER BY tier, provider`),
      ),
    );
}
