import type { LlmRouting } from '@switchboard/llm';
import { metricsRegistry } from '@switchboard/observability';
import Redis from 'ioredis';
import { startFakeProvider, type FakeProviderServer } from '../support/fake-providers';
import { buildRouter, fakeModel, fakeProvider, type RouterKit } from '../support/router-kit';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { TEST_REDIS_URL } from '../support/test-services';

// The router's metrics against fake provider servers and the gate in real Redis: attempts by
// outcome, failovers between providers, 429 cooldowns and the circuit state gauge, read from
// the registry's text exposition.

/** One sample of the exposition (0 when the series is absent). */
async function sample(name: string, labels: string): Promise<number> {
  const text = await metricsRegistry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

describe('LLM router metrics', () => {
  let env: TestEnv;
  let redis: Redis;
  let a: FakeProviderServer;
  let b: FakeProviderServer;
  let kit: RouterKit;
  let n = 0;
  const messages = [{ role: 'user' as const, content: 'say something short please' }];
  const tier1: LlmRouting = { tier: 1, privacy: false };

  beforeAll(async () => {
    env = await createTestEnv();
    redis = new Redis(TEST_REDIS_URL);
    [a, b] = await Promise.all([startFakeProvider('openai'), startFakeProvider('anthropic')]);
  });

  afterAll(async () => {
    await Promise.all([a, b].map((f) => f.close()));
    redis.disconnect();
    await env.cleanup();
  });

  beforeEach(() => {
    a.reset();
    b.reset();
    kit = buildRouter(
      redis,
      `${env.env.QUEUE_PREFIX}:${++n}`,
      {
        providers: [fakeProvider('a', a), fakeProvider('b', b)],
        models: [
          fakeModel('a', 'a-model', [1], { priority: 1 }),
          fakeModel('b', 'b-model', [1], { priority: 2 }),
        ],
      },
      { LLM_BREAKER_COOLDOWN_MS: '60000', LLM_BREAKER_MIN_CALLS: '100' },
    );
  });

  it('counts a 429: the failed-over attempt, the cooldown, the failover and the answer', async () => {
    const failedOver = 'provider="a",model="a-model",tier="1",kind="chat",outcome="failed_over"';
    const ok = 'provider="b",model="b-model",tier="1",kind="chat",outcome="ok"';
    const before = {
      failedOver: await sample('switchboard_llm_calls_total', failedOver),
      ok: await sample('switchboard_llm_calls_total', ok),
      failovers: await sample('switchboard_llm_failovers_total', 'from="a",to="b"'),
      cooldowns: await sample('switchboard_llm_cooldowns_total', 'provider="a"'),
      output: await sample(
        'switchboard_llm_tokens_total',
        'provider="b",model="b-model",direction="output"',
      ),
      cost: await sample(
        'switchboard_llm_cost_microdollars_total',
        'provider="b",model="b-model",tier="1"',
      ),
    };
    a.script({ type: 'rate-limit', retryAfterMs: 60_000 });
    const response = await kit.router.chat({ messages }, tier1);
    expect(response.provider).toBe('b');
    expect(await sample('switchboard_llm_calls_total', failedOver)).toBe(before.failedOver + 1);
    expect(await sample('switchboard_llm_calls_total', ok)).toBe(before.ok + 1);
    expect(await sample('switchboard_llm_failovers_total', 'from="a",to="b"')).toBe(
      before.failovers + 1,
    );
    expect(await sample('switchboard_llm_cooldowns_total', 'provider="a"')).toBe(
      before.cooldowns + 1,
    );
    expect(
      await sample(
        'switchboard_llm_tokens_total',
        'provider="b",model="b-model",direction="output"',
      ),
    ).toBe(before.output + response.usage.outputTokens);
    expect(
      await sample(
        'switchboard_llm_cost_microdollars_total',
        'provider="b",model="b-model",tier="1"',
      ),
    ).toBe(before.cost + response.usage.costMicros);
  });

  it('shows the circuit open after 3 failures, as the gate learned it', async () => {
    a.setDefault({ type: 'status', status: 500 });
    for (let i = 0; i < 3; i++) {
      expect((await kit.router.chat({ messages }, tier1)).provider).toBe('b');
    }
    // The gate's answer to the last failure arrives after the call returned.
    const deadline = Date.now() + 5_000;
    while ((await sample('switchboard_llm_circuit_state', 'provider="a"')) !== 2) {
      if (Date.now() > deadline) throw new Error('the circuit gauge never showed open');
      await new Promise((r) => setTimeout(r, 20));
    }
    expect((await kit.gate.status(['a'])).get('a')!.circuit).toBe('open');
    expect(await sample('switchboard_llm_circuit_state', 'provider="b"')).toBe(0);
  });
});
