import type { InvocationRow } from '@switchboard/persistence';
import {
  llmCallDurationSeconds,
  llmCallsTotal,
  llmCircuitState,
  llmCostMicrodollarsTotal,
  llmTimeToFirstTokenSeconds,
  llmTokensTotal,
  observeAttempt,
  observeCircuit,
} from './llm.metrics';

type Values = { values: { value: number; labels: object; metricName?: string }[] };

async function valueOf(
  metric: { get(): Promise<Values> },
  labels: object,
  metricName?: string,
): Promise<number | undefined> {
  const { values } = await metric.get();
  return values.find(
    (v) =>
      (metricName === undefined || v.metricName === metricName) &&
      JSON.stringify(v.labels) === JSON.stringify(labels),
  )?.value;
}

const row = (over: Partial<InvocationRow>): InvocationRow => ({
  startedAt: new Date(),
  jobId: 'job-1',
  tenantId: 'tenant-1',
  tier: 2,
  provider: 'anthropic',
  model: 'claude-x',
  callKind: 'stream',
  attempt: 1,
  outcome: 'ok',
  inputTokens: 100,
  outputTokens: 20,
  cachedInputTokens: 40,
  costMicros: 1_234,
  latencyMs: 2_500,
  ttftMs: 300,
  ...over,
});

describe('LLM metrics', () => {
  beforeEach(() => {
    for (const m of [
      llmCallsTotal,
      llmCallDurationSeconds,
      llmTimeToFirstTokenSeconds,
      llmTokensTotal,
      llmCostMicrodollarsTotal,
      llmCircuitState,
    ]) {
      m.reset();
    }
  });

  it('counts an attempt from its row: outcome, latency, TTFT, tokens and cost', async () => {
    observeAttempt(row({}));
    observeAttempt(row({ outcome: 'failed_over', ttftMs: null, costMicros: 0, callKind: 'chat' }));
    const model = { provider: 'anthropic', model: 'claude-x' };
    const call = { ...model, tier: '2', kind: 'stream', outcome: 'ok' };
    expect(await valueOf(llmCallsTotal, call)).toBe(1);
    expect(await valueOf(llmCallsTotal, { ...call, kind: 'chat', outcome: 'failed_over' })).toBe(1);
    const latency = 'switchboard_llm_call_duration_seconds_sum';
    expect(await valueOf(llmCallDurationSeconds, model, latency)).toBe(5);
    const ttft = 'switchboard_llm_time_to_first_token_seconds_count';
    expect(await valueOf(llmTimeToFirstTokenSeconds, model, ttft)).toBe(1);
    expect(await valueOf(llmTokensTotal, { ...model, direction: 'input' })).toBe(200);
    expect(await valueOf(llmTokensTotal, { ...model, direction: 'output' })).toBe(40);
    expect(await valueOf(llmTokensTotal, { ...model, direction: 'cached' })).toBe(80);
    expect(await valueOf(llmCostMicrodollarsTotal, { ...model, tier: '2' })).toBe(1_234);
  });

  it('never labels a series with the job or the tenant', async () => {
    observeAttempt(row({}));
    const text = JSON.stringify([await llmCallsTotal.get(), await llmTokensTotal.get()]);
    expect(text).not.toContain('job-1');
    expect(text).not.toContain('tenant-1');
  });

  it('maps circuit states to 0, 1 and 2, and ignores a cooldown', async () => {
    observeCircuit('a', 'closed');
    observeCircuit('b', 'probe');
    observeCircuit('c', 'open');
    observeCircuit('c', 'cooldown');
    observeCircuit('d', undefined);
    expect(await valueOf(llmCircuitState, { provider: 'a' })).toBe(0);
    expect(await valueOf(llmCircuitState, { provider: 'b' })).toBe(1);
    expect(await valueOf(llmCircuitState, { provider: 'c' })).toBe(2);
    expect(await valueOf(llmCircuitState, { provider: 'd' })).toBeUndefined();
  });
});
