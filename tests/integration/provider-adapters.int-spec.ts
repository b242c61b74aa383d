import {
  ProviderError,
  createAdapter,
  type ProviderAdapter,
  type ProviderErrorKind,
} from '@switchboard/llm';
import {
  embeddingFor,
  startFakeProvider,
  type FakeBehaviour,
  type FakeKind,
  type FakeProviderServer,
} from '../support/fake-providers';

// The openai, anthropic and ollama adapters through their official SDKs, against the fake
// provider servers: text, usage (equal to the fakes' own counts), error mapping, aborts.

type Chunk = ReturnType<ProviderAdapter['stream']> extends AsyncIterable<infer C> ? C : never;
type Mode = 'chat' | 'stream';

const API_KEY = 'sk-test-0123456789-secret';
const MESSAGES = [
  { role: 'system' as const, content: 'You are terse.' },
  { role: 'user' as const, content: 'Say eight tokens please' },
];
const EIGHT = 'tok1 tok2 tok3 tok4 tok5 tok6 tok7 tok8';
const live = () => new AbortController().signal;
const reason = () => new Error('job cancelled (test)');

const adapterFor = (fake: FakeProviderServer, apiKey: string | undefined = API_KEY) =>
  createAdapter({ name: `fake-${fake.kind}`, kind: fake.kind, baseURL: fake.url, apiKey });

const call = (opts: { maxTokens?: number; signal?: AbortSignal } = {}) => ({
  model: 'fake-model',
  messages: MESSAGES,
  maxTokens: opts.maxTokens ?? 100,
  signal: opts.signal ?? live(),
});

async function collect(stream: AsyncIterable<Chunk>, into: Chunk[] = []): Promise<Chunk[]> {
  for await (const chunk of stream) into.push(chunk);
  return into;
}

/** One call either way; a stream's chunks land in `into` as they arrive. */
function run(adapter: ProviderAdapter, mode: Mode, c = call(), into: Chunk[] = []) {
  return mode === 'chat' ? adapter.chat(c) : collect(adapter.stream(c), into);
}

const textOf = (chunks: Chunk[]) => chunks.map((c) => (c.type === 'delta' ? c.text : '')).join('');

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

function expectProviderError(error: unknown, kind: ProviderErrorKind, provider: string) {
  expect(error).toBeInstanceOf(ProviderError);
  const e = error as ProviderError;
  expect({ kind: e.kind, provider: e.provider }).toEqual({ kind, provider });
  // The key is sent to the provider but never ends up in an error.
  expect(`${e.message} ${JSON.stringify(e.details)}`).not.toContain(API_KEY);
  return e;
}

const usageOf = (fake: FakeProviderServer) => ({
  inputTokens: fake.stats.inputTokens,
  outputTokens: fake.stats.outputTokens,
  cachedInputTokens: fake.stats.cachedInputTokens,
});

/** Polls a condition the fake's counters will meet (never a timing assertion). */
async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe.each<FakeKind>(['openai', 'anthropic', 'ollama'])('%s adapter', (kind) => {
  let fake: FakeProviderServer;
  let slow: FakeProviderServer;
  let adapter: ProviderAdapter;
  let slowAdapter: ProviderAdapter;
  const name = `fake-${kind}`;
  // Ollama has no cached-token field: its prompt_eval_count leaves KV-cache hits out.
  const cached = kind === 'ollama' ? 0 : 3;

  beforeAll(async () => {
    fake = await startFakeProvider(kind);
    // Many slow tokens: a consumer can stop (or abort) while the stream is still going.
    slow = await startFakeProvider(kind, { tokensPerResponse: 2000, tokenDelayMs: 5 });
    adapter = adapterFor(fake);
    slowAdapter = adapterFor(slow);
  });
  afterAll(async () => {
    await fake.close();
    await slow.close();
  });
  beforeEach(() => {
    fake.reset();
    slow.reset();
  });

  it('is built by createAdapter with its kind and name; embed only where the API has it', () => {
    expect({ kind: adapter.kind, name: adapter.name }).toEqual({ kind, name });
    expect(typeof adapter.embed === 'function').toBe(kind !== 'anthropic');
  });

  it('chat returns the text, stop, and usage equal to what the fake counted', async () => {
    fake.script({ type: 'ok', cachedInputTokens: cached });
    const result = await adapter.chat(call());
    expect(result).toEqual({ text: EIGHT, finishReason: 'stop', usage: usageOf(fake) });
    expect(result.usage.cachedInputTokens).toBe(cached);
    expect(fake.stats.chatRequests).toBe(1);
  });

  it('stream yields non-empty deltas, then one done with the fake-counted usage', async () => {
    fake.script({ type: 'ok', cachedInputTokens: cached });
    const chunks = await collect(adapter.stream(call()));
    const deltas = chunks.slice(0, -1);
    expect(deltas.map((c) => c.type === 'delta' && c.text !== '')).toEqual(Array(8).fill(true));
    expect(textOf(chunks)).toBe(EIGHT);
    expect(chunks.at(-1)).toEqual({ type: 'done', finishReason: 'stop', usage: usageOf(fake) });
    expect(fake.stats.cachedInputTokens).toBe(cached);
  });

  it.each<Mode>(['chat', 'stream'])(
    '%s reports length when max tokens cut the answer',
    async (mode) => {
      const result = await run(adapter, mode, call({ maxTokens: 3 }));
      const last = Array.isArray(result) ? result.at(-1) : result;
      expect(last).toMatchObject({ finishReason: 'length', usage: { outputTokens: 3 } });
      expect(Array.isArray(result) ? textOf(result) : result.text).toBe('tok1 tok2 tok3');
    },
  );

  it('stream ends with usage null when the provider sent none', async () => {
    fake.script({ type: 'ok', omitUsage: true });
    const chunks = await collect(adapter.stream(call()));
    expect(textOf(chunks)).toBe(EIGHT);
    expect(chunks.at(-1)).toEqual({ type: 'done', finishReason: 'stop', usage: null });
  });

  it('sends the key, the model, the limit and the system prompt the provider way', async () => {
    await adapter.chat(call({ maxTokens: 50 }));
    const [{ headers, body }] = fake.received;
    expect(String(headers.authorization ?? headers['x-api-key'])).toContain(API_KEY);
    expect(body.model).toBe('fake-model');
    if (kind === 'anthropic') {
      expect(body).toMatchObject({ system: 'You are terse.', max_tokens: 50 });
      expect(body.messages).toEqual([MESSAGES[1]]);
    } else {
      expect(body.messages).toEqual(MESSAGES);
    }
    if (kind === 'openai') expect(body.max_tokens).toBe(50);
    if (kind === 'ollama') expect(body.options.num_predict).toBe(50);
  });

  const statusCases: Array<[string, FakeBehaviour, ProviderErrorKind, RegExp]> = [
    ['500', { type: 'status', status: 500 }, 'server', /: 500 /],
    [
      '503',
      { type: 'status', status: 503, message: 'upstream down' },
      'server',
      /503 upstream down/,
    ],
    ['400', { type: 'status', status: 400, message: 'bad temp' }, 'bad_request', /400 bad temp/],
    ['400 context', { type: 'status', status: 400 }, 'context_length', /400 .*(context|too long)/],
    ['401', { type: 'status', status: 401 }, 'auth', /: 401 /],
    ['404', { type: 'status', status: 404 }, 'not_found', /: 404 /],
  ];
  describe.each<Mode>(['chat', 'stream'])('%s errors', (mode) => {
    it.each(statusCases)('maps %s', async (_label, behaviour, expected, message) => {
      fake.script(behaviour);
      const error = expectProviderError(await caught(run(adapter, mode)), expected, name);
      expect(error.message).toMatch(message);
      expect(error.details.status).toBe((behaviour as { status: number }).status);
      expect(error.retryable).toBe(expected === 'server');
    });

    it('maps 429 to rate_limit with retryAfterMs from either header, or none', async () => {
      fake.script(
        { type: 'rate-limit', retryAfterSeconds: 2 },
        { type: 'rate-limit', retryAfterMs: 250 },
        { type: 'rate-limit' },
      );
      for (const retryAfterMs of [2000, 250, undefined]) {
        const error = expectProviderError(await caught(run(adapter, mode)), 'rate_limit', name);
        expect(error.details).toMatchObject({ status: 429, retryAfterMs });
        expect(error.retryable).toBe(true);
      }
    });

    it('maps a cut connection to connection', async () => {
      fake.script({ type: 'cut', afterTokens: 3 });
      const seen: Chunk[] = [];
      expectProviderError(await caught(run(adapter, mode, call(), seen)), 'connection', name);
      // A stream keeps what it got before the cut, and never says done.
      if (mode === 'stream') expect(seen.map((c) => c.type)).toEqual(['delta', 'delta', 'delta']);
    });

    it('rethrows the signal reason unchanged when a hanging request is aborted', async () => {
      fake.script({ type: 'hang' });
      const controller = new AbortController();
      const pending = caught(run(adapter, mode, call({ signal: controller.signal })));
      await waitFor(() => fake.stats.chatRequests === 1);
      const why = new ProviderError('timeout', 'router', 'no response within 10 ms');
      controller.abort(why);
      expect(await pending).toBe(why);
      await fake.waitForAborts(1);
    });

    it('rethrows the reason of a signal aborted before the call, sending nothing', async () => {
      const controller = new AbortController();
      const why = reason();
      controller.abort(why);
      expect(await caught(run(adapter, mode, call({ signal: controller.signal })))).toBe(why);
      expect(fake.stats.chatRequests).toBe(0);
    });
  });

  it('keeps the provider message of a context-length error', async () => {
    fake.script({ type: 'status', status: 400 });
    const expected = {
      openai: /^fake-openai: 400 This model's maximum context length is 128000 tokens/,
      anthropic: /^fake-anthropic: 400 prompt is too long: \d+ tokens > 200000 maximum$/,
      ollama: /^fake-ollama: 400 input length exceeds maximum context length$/,
    }[kind];
    expect((await caught(adapter.chat(call()))) as Error).toHaveProperty(
      'message',
      expect.stringMatching(expected),
    );
  });

  it('refuses a stream that ends cleanly without its terminal event', async () => {
    fake.script({ type: 'end-early', afterTokens: 4 });
    const seen: Chunk[] = [];
    const error = expectProviderError(
      await caught(run(adapter, 'stream', call(), seen)),
      'connection',
      name,
    );
    expect(error.message).toBe(`${name}: stream ended before it was complete`);
    expect(textOf(seen)).toBe('tok1 tok2 tok3 tok4');
    expect(seen.some((c) => c.type === 'done')).toBe(false);
  });

  it('maps a JSON answer that stops halfway (bad JSON in a 200) to server', async () => {
    fake.script({ type: 'end-early', afterTokens: 0 });
    expectProviderError(await caught(adapter.chat(call())), 'server', name);
  });

  it('aborting mid-stream rethrows the reason, and the fake sees the abort', async () => {
    const controller = new AbortController();
    const why = reason();
    const seen: Chunk[] = [];
    const pending = caught(
      (async () => {
        for await (const chunk of slowAdapter.stream(
          call({ signal: controller.signal, maxTokens: 5000 }),
        )) {
          seen.push(chunk);
          if (seen.length === 2) controller.abort(why);
        }
      })(),
    );
    expect(await pending).toBe(why);
    await slow.waitForAborts(1);
    expect(slow.stats.outputTokens).toBeLessThan(2000);
  });

  it('breaking out of a stream early aborts the HTTP request', async () => {
    const seen: Chunk[] = [];
    for await (const chunk of slowAdapter.stream(call({ maxTokens: 5000 }))) {
      seen.push(chunk);
      if (seen.length === 3) break;
    }
    expect(textOf(seen)).toBe('tok1 tok2 tok3');
    await slow.waitForAborts(1);
    expect(slow.stats.outputTokens).toBeLessThan(2000);
  });

  it('health passes when the provider lists its models', async () => {
    await expect(adapter.health(live())).resolves.toBeUndefined();
    expect(fake.stats.requests).toBe(1);
  });

  it('health throws a ProviderError when the provider is down, refuses, or is gone', async () => {
    fake.setDefault({ type: 'status', status: 503 });
    expectProviderError(await caught(adapter.health(live())), 'server', name);
    fake.setDefault({ type: 'status', status: 401 });
    expectProviderError(await caught(adapter.health(live())), 'auth', name);
    const gone = await startFakeProvider(kind);
    const dead = adapterFor(gone);
    await gone.close();
    expectProviderError(await caught(dead.health(live())), 'connection', name);
  });

  it('health rethrows the signal reason when a hanging check is aborted', async () => {
    fake.setDefault({ type: 'hang' });
    const controller = new AbortController();
    const pending = caught(adapter.health(controller.signal));
    await waitFor(() => fake.stats.requests === 1);
    const why = reason();
    controller.abort(why);
    expect(await pending).toBe(why);
  });
});

describe('keys come from the settings only', () => {
  it.each<FakeKind>(['openai', 'anthropic'])(
    '%s: no key set sends no environment key',
    async (kind) => {
      const fake = await startFakeProvider(kind);
      const saved = { ...process.env };
      process.env.OPENAI_API_KEY = 'sk-from-env';
      process.env.ANTHROPIC_API_KEY = 'sk-from-env';
      try {
        await adapterFor(fake, undefined).chat(call());
        expect(JSON.stringify(fake.received[0].headers)).not.toContain('sk-from-env');
      } finally {
        process.env = saved;
        await fake.close();
      }
    },
  );
});

describe('ollama usage', () => {
  it('reports prompt_eval_count as input (KV-cache hits left out), cached 0', async () => {
    const fake = await startFakeProvider('ollama');
    try {
      fake.script({ type: 'ok', cachedInputTokens: 2 });
      const { usage } = await adapterFor(fake).chat(call());
      expect(usage).toEqual({
        inputTokens: fake.stats.inputTokens - 2,
        outputTokens: fake.stats.outputTokens,
        cachedInputTokens: 0,
      });
    } finally {
      await fake.close();
    }
  });
});

describe.each<FakeKind>(['openai', 'ollama'])('%s embeddings', (kind) => {
  let fake: FakeProviderServer;
  let adapter: ProviderAdapter;

  beforeAll(async () => {
    fake = await startFakeProvider(kind);
    adapter = adapterFor(fake);
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it('returns one vector per input, in order, and the input tokens the fake counted', async () => {
    const input = ['first text here', 'second', 'a third one'];
    const result = await adapter.embed!({ model: 'fake-embed', input, signal: live() });
    expect(result.embeddings).toEqual(input.map((text) => embeddingFor(text)));
    expect(result.usage).toEqual({ inputTokens: 7, outputTokens: 0, cachedInputTokens: 0 });
    expect(fake.stats).toMatchObject({ inputTokens: 7, embedRequests: 1 });
  });

  it('maps errors, and rethrows the signal reason on abort', async () => {
    fake.script({ type: 'rate-limit', retryAfterSeconds: 1 }, { type: 'hang' });
    const error = await caught(adapter.embed!({ model: 'm', input: ['x'], signal: live() }));
    const e = expectProviderError(error, 'rate_limit', `fake-${kind}`);
    expect(e.details.retryAfterMs).toBe(1000);

    const controller = new AbortController();
    const pending = caught(adapter.embed!({ model: 'm', input: ['x'], signal: controller.signal }));
    await waitFor(() => fake.stats.embedRequests === 2);
    const why = reason();
    controller.abort(why);
    expect(await pending).toBe(why);
    await fake.waitForAborts(1);
  });
});
