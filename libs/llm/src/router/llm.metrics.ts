import { metricsRegistry } from '@switchboard/observability';
import type { InvocationRow } from '@switchboard/persistence';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { CircuitState } from './provider-gate';

/** Attempts of LLM calls by provider, model, tier, call kind and outcome (the log's outcomes). */
export const llmCallsTotal = new Counter({
  name: 'switchboard_llm_calls_total',
  help: 'LLM call attempts by provider, model, tier, kind and outcome',
  labelNames: ['provider', 'model', 'tier', 'kind', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const llmCallDurationSeconds = new Histogram({
  name: 'switchboard_llm_call_duration_seconds',
  help: 'Duration of LLM call attempts, start to end',
  labelNames: ['provider', 'model'] as const,
  buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
  registers: [metricsRegistry],
});

export const llmTimeToFirstTokenSeconds = new Histogram({
  name: 'switchboard_llm_time_to_first_token_seconds',
  help: 'Time to the first streamed token of LLM call attempts',
  labelNames: ['provider', 'model'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
  registers: [metricsRegistry],
});

/** `direction`: `input` (all input, cached included), `output`, `cached` (cached input). */
export const llmTokensTotal = new Counter({
  name: 'switchboard_llm_tokens_total',
  help: 'Tokens of LLM call attempts by provider, model and direction',
  labelNames: ['provider', 'model', 'direction'] as const,
  registers: [metricsRegistry],
});

export const llmCostMicrodollarsTotal = new Counter({
  name: 'switchboard_llm_cost_microdollars_total',
  help: 'Cost of LLM call attempts in micro-dollars, by provider, model and tier',
  labelNames: ['provider', 'model', 'tier'] as const,
  registers: [metricsRegistry],
});

/** A call moved on from a failed attempt at one provider to an attempt at another (or the same). */
export const llmFailoversTotal = new Counter({
  name: 'switchboard_llm_failovers_total',
  help: 'Failovers from one provider to the next within a routed call',
  labelNames: ['from', 'to'] as const,
  registers: [metricsRegistry],
});

/** As this process last saw it: 0 closed, 1 half-open, 2 open. */
export const llmCircuitState = new Gauge({
  name: 'switchboard_llm_circuit_state',
  help: 'Circuit breaker state per provider as last seen by this process (0 closed, 1 half-open, 2 open)',
  labelNames: ['provider'] as const,
  registers: [metricsRegistry],
});

/** 429 cooldowns this process started. */
export const llmCooldownsTotal = new Counter({
  name: 'switchboard_llm_cooldowns_total',
  help: 'Rate-limit (429) cooldowns started per provider',
  labelNames: ['provider'] as const,
  registers: [metricsRegistry],
});

const CIRCUIT_VALUES: Record<CircuitState | 'probe', number> = {
  closed: 0,
  half_open: 1,
  probe: 1,
  open: 2,
};

/** The state the gate learned for a provider (a cooldown says nothing of the circuit). */
export function observeCircuit(provider: string, state: string | undefined): void {
  const value = state === undefined ? undefined : CIRCUIT_VALUES[state as CircuitState];
  if (value !== undefined) llmCircuitState.set({ provider }, value);
}

/** One attempt ended, as its invocation row says. */
export function observeAttempt(row: InvocationRow): void {
  const { provider, model } = row;
  const tier = String(row.tier);
  llmCallsTotal.inc({ provider, model, tier, kind: row.callKind, outcome: row.outcome });
  llmCallDurationSeconds.observe({ provider, model }, row.latencyMs / 1000);
  if (row.ttftMs !== null && row.ttftMs !== undefined) {
    llmTimeToFirstTokenSeconds.observe({ provider, model }, row.ttftMs / 1000);
  }
  llmTokensTotal.inc({ provider, model, direction: 'input' }, row.inputTokens ?? 0);
  llmTokensTotal.inc({ provider, model, direction: 'output' }, row.outputTokens ?? 0);
  llmTokensTotal.inc({ provider, model, direction: 'cached' }, row.cachedInputTokens ?? 0);
  llmCostMicrodollarsTotal.inc({ provider, model, tier }, row.costMicros ?? 0);
}
