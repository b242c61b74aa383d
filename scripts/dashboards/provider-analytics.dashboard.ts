// Provider analytics: latency, reliability, cost and the router's protections (circuit
// breakers, 429 cooldowns, failovers) per provider.
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { prom, promInstant, sql, stat, stateMappings, table, timeSeries, USD } from './panels';

export const PROVIDER_ANALYTICS_UID = 'switchboard-providers';

const CIRCUIT_STATES = stateMappings({
  0: { text: 'closed', color: 'green' },
  1: { text: 'half-open', color: 'orange' },
  2: { text: 'open', color: 'red' },
});

export function providerAnalyticsDashboard(): DashboardBuilder {
  return new DashboardBuilder('Switchboard / Provider analytics')
    .uid(PROVIDER_ANALYTICS_UID)
    .tags(['switchboard', 'llm', 'providers'])
    .description('Per-provider latency, success, cost, circuit state, 429 cooldowns and failovers.')
    .withPanel(
      stat(
        {
          title: 'Circuit state now',
          description:
            "Each provider's shared circuit breaker as the processes last saw it (worst of all processes). LLMCircuitOpen pages after 5 min open.",
          width: 24,
          mappings: CIRCUIT_STATES,
          thresholds: [
            { value: null, color: 'green' },
            { value: 1, color: 'orange' },
            { value: 2, color: 'red' },
          ],
        },
        promInstant('max by (provider) (switchboard_llm_circuit_state)', '{{provider}}'),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Latency p95 by provider',
          description: 'Attempt duration p95 over 5 min. LLMLatencyP95High pages above 30 s.',
          unit: 's',
          thresholds: [
            { value: null, color: 'green' },
            { value: 30, color: 'red' },
          ],
        },
        prom('provider:switchboard_llm_call_duration_seconds:p95_5m', '{{provider}}'),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Latency p99 by provider',
          description: 'Attempt duration p99 over 5 min.',
          unit: 's',
        },
        prom('provider:switchboard_llm_call_duration_seconds:p99_5m', '{{provider}}'),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Success rate by provider',
          description: 'ok / (ok + failed + failed_over) over 5 min.',
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
          title: 'Error ratio by provider',
          description:
            '(failed + failed_over) / (ok + failed + failed_over) over 10 min. LLMErrorRatioHigh pages above 20%.',
          unit: 'percentunit',
          min: 0,
          max: 1,
          thresholds: [
            { value: null, color: 'green' },
            { value: 0.2, color: 'red' },
          ],
        },
        prom('provider:switchboard_llm_calls_errors:ratio_rate10m', '{{provider}}'),
      ),
    )
    .withPanel(
      timeSeries(
        { title: 'Cost per provider', description: 'Dollars per hour.', unit: USD, stacked: true },
        prom(
          'sum by (provider) (provider_tier:switchboard_llm_cost_microdollars:rate5m) * 3600 / 1e6',
          '{{provider}}',
        ),
      ),
    )
    .withPanel(
      table(
        {
          title: 'Spend per provider in range',
          description: 'Dollars per provider over the time range.',
          unit: USD,
        },
        promInstant(
          'sort_desc(sum by (provider) (increase(switchboard_llm_cost_microdollars_total[$__range])) / 1e6)',
          '{{provider}}',
        ),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Attempts by provider and outcome',
          description: 'Attempts per second: the health of each provider as the router saw it.',
          unit: 'reqps',
          stacked: true,
        },
        prom(
          'sum by (provider, outcome) (provider_tier_outcome:switchboard_llm_calls:rate5m)',
          '{{provider}} {{outcome}}',
        ),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Circuit state over time',
          description: '0 closed, 1 half-open, 2 open (worst of all processes).',
          min: 0,
          max: 2,
          mappings: CIRCUIT_STATES,
        },
        prom('max by (provider) (switchboard_llm_circuit_state)', '{{provider}}'),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: '429 cooldowns',
          description: 'Cooldowns started after a provider answered 429, per interval.',
          unit: 'short',
          bars: true,
        },
        prom(
          'sum by (provider) (increase(switchboard_llm_cooldowns_total[$__rate_interval]))',
          '{{provider}}',
        ),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Failovers',
          description:
            'Routed calls that moved on from a failed attempt at one provider to another, per interval.',
          unit: 'short',
          bars: true,
        },
        prom(
          'sum by (from, to) (increase(switchboard_llm_failovers_total[$__rate_interval]))',
          '{{from}} → {{to}}',
        ),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Time to first token p95 by provider',
          description: 'Streamed attempts that produced a token, p95 over 5 min.',
          unit: 's',
        },
        prom('provider:switchboard_llm_time_to_first_token_seconds:p95_5m', '{{provider}}'),
      ),
    )
    .withPanel(
      table(
        {
          title: 'Failures by provider and error class',
          description: 'Attempts that did not end ok, from the invocation log.',
          width: 24,
        },
        sql(`
SELECT provider,
       outcome,
       COALESCE(error_class, '(none)') AS error_class,
       count(*) AS attempts,
       max(created_at) AS last_seen
  FROM llm_invocations
 WHERE $__timeFilter(created_at)
   AND outcome <> 'ok'
 GROUP BY provider, outcome, error_class
 ORDER BY attempts DESC
 LIMIT 50`),
      ),
    )
    .withPanel(
      table(
        {
          title: 'Provider and model summary (invocation log)',
          description:
            'Attempts, success rate (cancellations left out), observed p95 latency and cost per provider and model.',
          width: 24,
        },
        sql(`
SELECT provider,
       model,
       count(*) AS attempts,
       round(count(*) FILTER (WHERE outcome = 'ok')::numeric
             / NULLIF(count(*) FILTER (WHERE outcome <> 'cancelled'), 0), 4) AS success_rate,
       percentile_disc(0.95) WITHIN GROUP (ORDER BY latency_ms) AS latency_p95_ms,
       round(sum(cost_micros) / 1e6, 6) AS spend_usd
  FROM llm_invocations
 WHERE $__timeFilter(created_at)
 GROUP BY provider, model
 ORDER BY spend_usd DESC, attempts DESC
 LIMIT 50`),
      ),
    );
}
