import {
  ProviderError,
  ProvidersExhaustedError,
  StreamInterruptedError,
  type LlmRouting,
  type LlmStreamEvent,
} from '@switchboard/llm';
import Redis from 'ioredis';
import { startFakeProvider, type FakeProviderServer } from '../support/fake-providers';
import { buildRouter, fakeModel, fakeProvider, type RouterKit } from '../support/router-kit';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { TEST_REDIS_URL } from '../support/test-services';

// The router against real SDKs, fake provider servers and the gate in real Redis.
describe('LLM router', () => {
  let env: TestEnv;
  let redis: Redis;
  let a: FakeProviderServer; // openai, tier 1
  let b: FakeProviderServer; // anthropic, tier 1
  let c: FakeProviderServer; // openai, tier 2
  let local: FakeProviderServer; // ollama, local, tiers 0–1
  let kit: RouterKit;
  let n = 0;

  const messages = [{ role: 'user' as const, content: 'say something short please' }];
  const tier1: LlmRouting = { tier: 1, privacy: false };

  beforeAll(async () => {
    env = await createTestEnv();
    redis = new Redis(TEST_REDIS_URL);
    [a, b, c, local] = await Promise.all([
      startFakeProvider('openai'),
      startFakeProvider('anthropic'),
      startFakeProvider('openai'),
      startFakeProvider('ollama'),
    ]);
  });

  afterAll(async () => {
    await Promise.all([a, b, c, local].map((f) => f.close()));
    redis.disconnect();
    await env.cleanup();
  });

  /** A fresh router (and fresh gate keys) per test, over the same fakes. */
  beforeEach(() => {
    for (const fake of [a, b, c, local]) fake.reset();
    kit = buildRouter(
      redis,
      `${env.env.QUEUE_PREFIX}:${++n}`,
      {
        providers: [
          fakeProvider('a', a, { timeoutMs: 400 }),
          fakeProvider('b', b),
          fakeProvider('c', c),
          fakeProvider('local', local, { local: true }),
        ],
        models: [
          fakeModel('a', 'a-model', [1], { priority: 1 }),
          fakeModel('b', 'b-model', [1], { priority: 2 }),
          fakeModel('c', 'c-model', [2]),
          fakeModel('local', 'llama', [0, 1], { priority: 3 }),
        ],
      },
      { LLM_BREAKER_COOLDOWN_MS: '300', LLM_BREAKER_MIN_CALLS: '100' },
    );
  });

  const cost = (input: number, output: number, cached = 0) =>
    Math.ceil(((input - cached) * 1_000_000 + cached * 500_000 + output * 2_000_000) / 1e6);

  async function collect(routing: LlmRouting = tier1): Promise<LlmStreamEvent[]> {
    const events: LlmStreamEvent[] = [];
    for await (const event of kit.router.stream({ messages, maxTokens: 8 }, routing)) {
      events.push(event);
    }
    return events;
  }

  it('fails over inside a tier on 5xx, and prices the answer from the served tokens', async () => {
    a.script({ type: 'status', status: 503 });
    b.script({ type: 'ok', cachedInputTokens: 2 });
    const response = await kit.router.chat({ messages }, tier1);
    expect(response.provider).toBe('b');
    expect(response.usage).toEqual({
      inputTokens: b.stats.inputTokens,
      outputTokens: b.stats.outputTokens,
      cachedInputTokens: 2,
      costMicros: cost(b.stats.inputTokens, b.stats.outputTokens, 2),
    });
    expect(kit.sink.summary()).toEqual(['a/a-model:failed_over', 'b/b-model:ok']);
    expect(kit.sink.rows[0]).toMatchObject({ errorClass: 'provider-server', attempt: 1 });
    expect(kit.sink.rows[1]).toMatchObject({
      attempt: 2,
      inputTokens: b.stats.inputTokens,
      costMicros: response.usage.costMicros,
    });
  });

  it.each([
    ['a', 'a/a-model'],
    ['b', 'b/b-model'],
    ['local', 'local/llama'],
  ])(
    'prices %s to the micro-dollar from its served tokens, in JSON and stream mode',
    async (name, model) => {
      const fake = { a, b, local }[name]!;
      fake.script({ type: 'ok', cachedInputTokens: 1 }, { type: 'ok', cachedInputTokens: 1 });
      const json = await kit.router.chat({ messages, model }, tier1);
      let streamed: LlmStreamEvent | undefined;
      for await (const event of kit.router.stream({ messages, model }, tier1)) streamed = event;
      const done = (streamed as Extract<LlmStreamEvent, { type: 'done' }>).response;
      const served = fake.stats;
      // Ollama reports cache hits by leaving them out of its prompt count.
      const cached = name === 'local' ? 0 : 1;
      const total = (r: typeof json) => [r.usage.inputTokens, r.usage.outputTokens];
      expect([...total(json), ...total(done)].reduce((x, y) => x + y)).toBe(
        served.inputTokens - (cached ? 0 : 2) + served.outputTokens,
      );
      for (const response of [json, done]) {
        const { inputTokens, outputTokens, cachedInputTokens } = response.usage;
        expect(cachedInputTokens).toBe(cached);
        expect(response.usage.costMicros).toBe(cost(inputTokens, outputTokens, cached));
      }
      expect(kit.sink.rows.map((r) => r.costMicros)).toEqual([
        json.usage.costMicros,
        done.usage.costMicros,
      ]);
    },
  );

  it('fails at once on request errors, with the provider message', async () => {
    a.script({
      type: 'status',
      status: 400,
      message: "This model's maximum context length is 8192",
    });
    const call = kit.router.chat({ messages }, tier1);
    await expect(call).rejects.toMatchObject({
      kind: 'context_length',
      retryable: false,
      message: expect.stringContaining('maximum context length'),
    });
    a.script({ type: 'status', status: 401 });
    await expect(kit.router.chat({ messages }, tier1)).rejects.toMatchObject({ kind: 'auth' });
    expect(b.stats.chatRequests).toBe(0);
    expect(kit.sink.summary()).toEqual(['a/a-model:failed', 'a/a-model:failed']);
  });

  it('escalates to the next tier only when the job allows it', async () => {
    for (const f of [a, b, local]) f.setDefault({ type: 'status', status: 500 });
    await expect(kit.router.chat({ messages }, tier1)).rejects.toBeInstanceOf(
      ProvidersExhaustedError,
    );
    expect(c.stats.chatRequests).toBe(0);
    const response = await kit.router.chat({ messages }, { ...tier1, maxTier: 2 });
    expect(response).toMatchObject({ provider: 'c', tier: 2 });
    expect(kit.sink.rows.at(-1)).toMatchObject({ provider: 'c', tier: 2, outcome: 'ok' });
  });

  it('keeps private jobs on local providers, and fails clearly when none is healthy', async () => {
    const response = await kit.router.chat({ messages }, { ...tier1, privacy: true, maxTier: 2 });
    expect(response.provider).toBe('local');
    local.setDefault({ type: 'status', status: 503 });
    const call = kit.router.chat({ messages }, { tier: 0, privacy: false });
    await expect(call).rejects.toMatchObject({ code: 'no-local-provider', retryable: true });
    await expect(call).rejects.toThrow(/local provider/);
    expect(a.stats.requests + b.stats.requests + c.stats.requests).toBe(0);
  });

  it('cools a provider down after a 429, for Retry-After', async () => {
    a.script({ type: 'rate-limit', retryAfterMs: 60_000 });
    expect((await kit.router.chat({ messages }, tier1)).provider).toBe('b');
    expect((await kit.router.chat({ messages }, tier1)).provider).toBe('b');
    expect(a.stats.chatRequests).toBe(1);
    const status = (await kit.gate.status(['a'])).get('a')!;
    expect(status.cooldownMs).toBeGreaterThan(50_000);
    expect(status.circuit).toBe('closed');
    expect(kit.sink.rows[0]).toMatchObject({
      outcome: 'failed_over',
      errorClass: 'provider-rate-limit',
    });
  });

  it('opens the circuit after 3 failures, half-opens after the cooldown, and one probe closes it', async () => {
    a.setDefault({ type: 'status', status: 500 });
    for (let i = 0; i < 3; i++)
      expect((await kit.router.chat({ messages }, tier1)).provider).toBe('b');
    expect((await kit.gate.status(['a'])).get('a')!.circuit).toBe('open');
    await kit.router.chat({ messages }, tier1);
    expect(a.stats.chatRequests).toBe(3); // skipped while open
    await new Promise((r) => setTimeout(r, 350));
    // The probe fails: open again.
    await kit.router.chat({ messages }, tier1);
    expect(a.stats.chatRequests).toBe(4);
    expect((await kit.gate.status(['a'])).get('a')!.circuit).toBe('open');
    await new Promise((r) => setTimeout(r, 350));
    a.setDefault({ type: 'ok' });
    expect((await kit.router.chat({ messages }, tier1)).provider).toBe('a');
    expect((await kit.gate.status(['a'])).get('a')).toMatchObject({
      circuit: 'closed',
      timesOpened: 2,
    });
  });

  it('lets exactly one caller probe a half-open circuit', async () => {
    await kit.gate.record('a', 'fail', false);
    await kit.gate.record('a', 'fail', false);
    expect(await kit.gate.record('a', 'fail', false)).toBe('open');
    await new Promise((r) => setTimeout(r, 350));
    const tickets = await Promise.all([1, 2, 3].map(() => kit.gate.acquire('a')));
    expect(tickets.filter((t) => t.allowed)).toEqual([
      { allowed: true, state: 'probe', waitMs: 0 },
    ]);
    expect(tickets.filter((t) => !t.allowed).every((t) => t.state === 'half_open')).toBe(true);
  });

  it('fails over invisibly when a stream breaks before its first token', async () => {
    a.script({ type: 'cut', afterTokens: 0 });
    const events = await collect();
    // The text is untouched; an informational event says which provider took over.
    expect(events.map((e) => e.type)).toEqual(['failover', ...Array(8).fill('delta'), 'done']);
    const done = events.at(-1) as Extract<LlmStreamEvent, { type: 'done' }>;
    expect(done.response.provider).toBe('b');
    expect(done.response.usage.outputTokens).toBe(b.stats.outputTokens);
    expect(kit.sink.summary()).toEqual(['a/a-model:failed_over', 'b/b-model:ok']);
    expect(kit.sink.rows[1].ttftMs).not.toBeNull();
  });

  it("fails a stream broken after its first token under the 'fail' policy", async () => {
    a.script({ type: 'cut', afterTokens: 3 });
    await expect(collect()).rejects.toBeInstanceOf(StreamInterruptedError);
    expect(b.stats.chatRequests).toBe(0);
    expect(kit.sink.rows).toEqual([
      expect.objectContaining({
        outcome: 'interrupted',
        outputTokens: 3,
        errorClass: 'provider-connection',
      }),
    ]);
  });

  it("restarts a broken stream on the next provider under the 'restart' policy, and says so", async () => {
    a.script({ type: 'end-early', afterTokens: 2 });
    const events = await collect({ ...tier1, streamFailover: 'restart' });
    const restart = events.findIndex((e) => e.type === 'restart');
    expect(restart).toBe(2);
    expect(events[restart]).toMatchObject({ from: 'a/a-model', to: 'b/b-model' });
    const after = events.slice(restart + 1);
    const text = after.flatMap((e) => (e.type === 'delta' ? [e.text] : [])).join('');
    const done = events.at(-1) as Extract<LlmStreamEvent, { type: 'done' }>;
    expect(done.response.text).toBe(text);
    expect(done.response.provider).toBe('b');
    expect(kit.sink.summary()).toEqual(['a/a-model:interrupted', 'b/b-model:ok']);
  });

  it('never ends a stream quietly when every provider breaks mid-stream', async () => {
    a.script({ type: 'end-early', afterTokens: 2 });
    b.script({ type: 'cut', afterTokens: 1 });
    local.script({ type: 'cut', afterTokens: 1 });
    await expect(collect({ ...tier1, streamFailover: 'restart' })).rejects.toBeInstanceOf(
      StreamInterruptedError,
    );
  });

  it('times out a hanging provider and fails over; the fake sees the abort', async () => {
    a.script({ type: 'hang' });
    const response = await kit.router.chat({ messages }, tier1);
    expect(response.provider).toBe('b');
    await a.waitForAborts(1);
    expect(kit.sink.rows[0]).toMatchObject({
      outcome: 'failed_over',
      errorClass: 'provider-timeout',
    });
  });

  it('stops at once when the job is cancelled: no failover, a cancelled row', async () => {
    a.script({ type: 'hang' });
    const controller = new AbortController();
    const call = kit.router.chat({ messages }, { ...tier1, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('job cancelled')), 50);
    await expect(call).rejects.toThrow('job cancelled');
    await a.waitForAborts(1);
    expect(b.stats.chatRequests).toBe(0);
    expect(kit.sink.summary()).toEqual(['a/a-model:cancelled']);
  });

  it('logs a stream the consumer stops early, and aborts it', async () => {
    const fake = a;
    fake.script({ type: 'delay-first-token', ms: 10 });
    for await (const event of kit.router.stream({ messages }, tier1)) {
      if (event.type === 'delta') break;
    }
    expect(kit.sink.rows).toEqual([
      expect.objectContaining({ outcome: 'stopped', outputTokens: 1 }),
    ]);
  });

  it('ends a stream at a stop string and aborts the provider: nothing after it is shown', async () => {
    const slow = await startFakeProvider('openai', { tokenDelayMs: 20, tokensPerResponse: 40 });
    try {
      const stopKit = buildRouter(redis, `${env.env.QUEUE_PREFIX}:stop`, {
        providers: [fakeProvider('s', slow)],
        models: [fakeModel('s', 's-model', [1])],
      });
      const events: LlmStreamEvent[] = [];
      for await (const event of stopKit.router.stream(
        { messages, maxTokens: 40, stop: { strings: ['tok4'] } },
        tier1,
      )) {
        events.push(event);
      }
      const shown = events.flatMap((e) => (e.type === 'delta' ? [e.text] : [])).join('');
      expect(shown).toBe('tok1 tok2 tok3 ');
      const done = events.at(-1) as Extract<LlmStreamEvent, { type: 'done' }>;
      expect(done.response).toMatchObject({ text: 'tok1 tok2 tok3 ', finishReason: 'stop' });
      await slow.waitForAborts(1);
      expect(slow.stats.outputTokens).toBeLessThan(40);
      expect(stopKit.sink.rows).toEqual([
        expect.objectContaining({ outcome: 'stopped', outputTokens: 4 }),
      ]);
    } finally {
      await slow.close();
    }
  });

  it('says which provider took over when one fails before the first token', async () => {
    a.script({ type: 'status', status: 503 });
    const events = await collect();
    expect(events[0]).toMatchObject({ type: 'failover', from: 'a/a-model', to: 'b/b-model' });
  });

  it('routes embeddings to a provider that has them', async () => {
    const embedKit = buildRouter(redis, `${env.env.QUEUE_PREFIX}:embed`, {
      providers: [fakeProvider('b', b), fakeProvider('c', c)],
      models: [
        fakeModel('c', 'embed-small', [1], { capabilities: ['embeddings'] }),
        fakeModel('b', 'b-model', [1]),
      ],
    });
    const result = await embedKit.router.embed({ input: ['one two', 'three'] }, tier1);
    expect(result.embeddings).toHaveLength(2);
    expect(result).toMatchObject({ provider: 'c', usage: { inputTokens: c.stats.inputTokens } });
    expect(embedKit.sink.summary()).toEqual(['c/embed-small:ok']);
  });

  it('passes over embedding models whose provider has no embeddings API, and fails over', async () => {
    const embedKit = buildRouter(redis, `${env.env.QUEUE_PREFIX}:embed-failover`, {
      providers: [fakeProvider('b', b), fakeProvider('c', c), fakeProvider('local', local)],
      models: [
        fakeModel('b', 'b-embed', [1], { capabilities: ['embeddings'], priority: 1 }),
        fakeModel('c', 'c-embed', [1], { capabilities: ['embeddings'], priority: 2 }),
        fakeModel('local', 'l-embed', [1], { capabilities: ['embeddings'], priority: 3 }),
      ],
    });
    c.script({ type: 'status', status: 503 });
    const result = await embedKit.router.embed({ input: ['one two'] }, tier1);
    expect(result.provider).toBe('local');
    // Anthropic has no embeddings: never asked, never logged, not counted as an attempt.
    expect(b.stats.embedRequests).toBe(0);
    expect(embedKit.sink.summary()).toEqual(['c/c-embed:failed_over', 'local/l-embed:ok']);
    expect(embedKit.sink.rows.map((r) => [r.callKind, r.attempt])).toEqual([
      ['embed', 1],
      ['embed', 2],
    ]);
  });

  it('says a restart drops text only when the broken attempt delivered only text', async () => {
    a.script({ type: 'end-early', afterTokens: 2 });
    const events = await collect({ ...tier1, streamFailover: 'restart' });
    expect(events.find((e) => e.type === 'restart')).toMatchObject({
      discard: { text: true, toolCalls: false },
    });
  });

  it('logs and settles the next attempt when the consumer leaves at a failover notice', async () => {
    a.script({ type: 'status', status: 503 });
    const seen: LlmStreamEvent[] = [];
    for await (const event of kit.router.stream({ messages, maxTokens: 8 }, tier1)) {
      seen.push(event);
      break;
    }
    expect(seen).toEqual([expect.objectContaining({ type: 'failover', to: 'b/b-model' })]);
    // b was admitted (gate, budget) but never asked: its attempt ends as stopped, unpaid.
    expect(b.stats.chatRequests).toBe(0);
    expect(kit.sink.summary()).toEqual(['a/a-model:failed_over', 'b/b-model:stopped']);
    expect(kit.sink.rows[1]).toMatchObject({ outputTokens: 0, costMicros: 0 });
  });

  it('maps errors to ProviderError kinds on every provider', async () => {
    b.script({ type: 'status', status: 404 });
    const onlyB = buildRouter(redis, `${env.env.QUEUE_PREFIX}:b`, {
      providers: [fakeProvider('b', b)],
      models: [fakeModel('b', 'b-model', [1])],
    });
    await expect(onlyB.router.chat({ messages }, tier1)).rejects.toBeInstanceOf(ProviderError);
  });
});
