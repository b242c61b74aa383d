import * as anthropic from '@anthropic-ai/sdk';
import { Ollama } from 'ollama';
import * as openai from 'openai';
import { setTimeout as delay } from 'node:timers/promises';
import {
  embeddingFor,
  startFakeProvider,
  type FakeProviderServer,
} from '../support/fake-providers';

// The fake providers, driven by the official SDKs exactly as the adapters drive them. These
// tests also pin what each SDK does on a cut or truncated stream, which the adapters rely on.

const MESSAGES = [
  { role: 'system' as const, content: 'be brief' },
  { role: 'user' as const, content: 'say something nice' },
];
const INPUT_WORDS = 5;
const DEFAULT_TEXT = 'tok1 tok2 tok3 tok4 tok5 tok6 tok7 tok8';

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await delay(10);
  expect(check()).toBe(true);
}

const caught = (promise: Promise<unknown>): Promise<any> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

/** Drains a stream; `error` is what it threw, undefined when it ended quietly. */
async function drain<T>(stream: AsyncIterable<T>): Promise<{ items: T[]; error: any }> {
  const items: T[] = [];
  try {
    for await (const item of stream) items.push(item);
    return { items, error: undefined };
  } catch (error) {
    return { items, error };
  }
}

function expectUndiciTerminated(error: any): void {
  // undici's own error surfaces unwrapped from all three SDKs' raw streams.
  // It comes from Node's own realm, so `instanceof TypeError` is false under Jest.
  expect(error.name).toBe('TypeError');
  expect(error.message).toBe('terminated');
}

describe('fake OpenAI provider', () => {
  let fake: FakeProviderServer;
  let client: openai.OpenAI;
  const chat = { model: 'gpt-fake', messages: MESSAGES };

  beforeAll(async () => {
    fake = await startFakeProvider('openai');
    client = new openai.OpenAI({ baseURL: fake.url, apiKey: 'test', maxRetries: 0 });
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  const streamed = async (extra: object = {}) => {
    const stream = await client.chat.completions.create({
      ...chat,
      stream: true,
      stream_options: { include_usage: true },
      ...extra,
    });
    return drain(stream);
  };
  const textOf = (chunks: openai.OpenAI.ChatCompletionChunk[]) =>
    chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');

  it('answers JSON and SSE with the same text, and usage equal to its ground truth', async () => {
    const json = await client.chat.completions.create(chat);
    expect(json.choices[0].message.content).toBe(DEFAULT_TEXT);
    expect(json.choices[0].finish_reason).toBe('stop');
    expect(json.usage).toMatchObject({ prompt_tokens: INPUT_WORDS, completion_tokens: 8 });

    const { items, error } = await streamed();
    expect(error).toBeUndefined();
    expect(textOf(items)).toBe(DEFAULT_TEXT);
    expect(items[0].choices[0].delta.role).toBe('assistant');
    expect(items.at(-2)?.choices[0].finish_reason).toBe('stop');
    expect(items.at(-1)?.usage).toMatchObject({ prompt_tokens: INPUT_WORDS, completion_tokens: 8 });
    expect(fake.stats).toMatchObject({
      requests: 2,
      chatRequests: 2,
      inputTokens: 2 * INPUT_WORDS,
      outputTokens: 16,
      aborted: 0,
    });
    expect(fake.received[1].body).toMatchObject({ model: 'gpt-fake', stream: true });
    expect(fake.received[1].headers.authorization).toBe('Bearer test');
  });

  it('caps the answer by max_tokens, reports cached tokens, speaks a given text', async () => {
    fake.script({ type: 'ok', cachedInputTokens: 3, text: 'one  two\nthree four' });
    const json = await client.chat.completions.create({ ...chat, max_completion_tokens: 3 });
    expect(json.choices[0]).toMatchObject({ finish_reason: 'length' });
    expect(json.choices[0].message.content).toBe('one two three');
    expect(json.usage?.prompt_tokens_details?.cached_tokens).toBe(3);

    const { items } = await streamed({ max_tokens: 2 });
    expect(textOf(items)).toBe('tok1 tok2');
    expect(items.at(-2)?.choices[0].finish_reason).toBe('length');
    expect(fake.stats).toMatchObject({ outputTokens: 5, cachedInputTokens: 3 });
  });

  it('leaves usage out when told to', async () => {
    fake.script({ type: 'ok', omitUsage: true }, { type: 'ok', omitUsage: true });
    expect((await client.chat.completions.create(chat)).usage).toBeUndefined();
    const { items } = await streamed();
    expect(items.every((c) => !c.usage)).toBe(true);
    expect(textOf(items)).toBe(DEFAULT_TEXT);
  });

  it('fails with the SDK error classes, retry hints visible on a 429', async () => {
    fake.script(
      { type: 'status', status: 500 },
      { type: 'rate-limit', retryAfterSeconds: 2, retryAfterMs: 1500 },
      { type: 'status', status: 400 },
    );
    expect(await caught(client.chat.completions.create(chat))).toBeInstanceOf(
      openai.InternalServerError,
    );
    const limited = await caught(client.chat.completions.create(chat));
    expect(limited).toBeInstanceOf(openai.RateLimitError);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(limited.headers.get('retry-after-ms')).toBe('1500');
    const tooLong = await caught(client.chat.completions.create(chat));
    expect(tooLong).toBeInstanceOf(openai.BadRequestError);
    expect(tooLong.code).toBe('context_length_exceeded');
    expect(tooLong.message).toMatch(/maximum context length/);
    expect(fake.stats).toMatchObject({ chatRequests: 3, inputTokens: 0, outputTokens: 0 });
  });

  it('cut: the raw stream throws after the sent tokens; non-stream is a connection error', async () => {
    fake.script({ type: 'cut', afterTokens: 2 }, { type: 'cut', afterTokens: 0 });
    const { items, error } = await streamed();
    expectUndiciTerminated(error);
    expect(textOf(items)).toBe('tok1 tok2');
    expect(await caught(client.chat.completions.create(chat))).toBeInstanceOf(
      openai.APIConnectionError,
    );
    expect(fake.stats).toMatchObject({ outputTokens: 2, inputTokens: INPUT_WORDS, aborted: 0 });
  });

  it('end-early: the raw stream ends quietly without finish_reason or usage', async () => {
    fake.script({ type: 'end-early', afterTokens: 3 }, { type: 'end-early', afterTokens: 1 });
    const { items, error } = await streamed();
    expect(error).toBeUndefined();
    expect(textOf(items)).toBe('tok1 tok2 tok3');
    expect(items.every((c) => !c.usage && !c.choices[0]?.finish_reason)).toBe(true);
    // The SDK's stream helper notices what the raw stream does not.
    const helper = client.chat.completions.stream(chat);
    expect((await caught(helper.finalChatCompletion())).message).toMatch(/missing finish_reason/);
  });

  it('hang: an aborted request reaches the server as an abort', async () => {
    fake.script({ type: 'hang' });
    const controller = new AbortController();
    const pending = caught(client.chat.completions.create(chat, { signal: controller.signal }));
    await until(() => fake.received.length === 1);
    controller.abort();
    expect(await pending).toBeInstanceOf(openai.APIUserAbortError);
    await fake.waitForAborts(1);
    expect(fake.stats).toMatchObject({ aborted: 1, inputTokens: 0 });
  });

  it('delay-first-token: headers come at once, so the stream can be aborted before a token', async () => {
    fake.script({ type: 'delay-first-token', ms: 5000 });
    const stream = await client.chat.completions.create({ ...chat, stream: true });
    stream.controller.abort();
    expect((await drain(stream)).items).toEqual([]);
    await fake.waitForAborts(1);
    expect(fake.stats).toMatchObject({ inputTokens: INPUT_WORDS, outputTokens: 0 });
  });

  it('embeds deterministically, base64 (the SDK default) and float alike', async () => {
    const input = ['hello world', 'again'];
    const base64 = await client.embeddings.create({ model: 'emb', input });
    const float = await client.embeddings.create({ model: 'emb', input, encoding_format: 'float' });
    for (const response of [base64, float]) {
      expect(response.data.map((d) => Array.from(d.embedding))).toEqual(
        input.map((text) => embeddingFor(text)),
      );
      expect(response.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
    }
    expect(fake.stats).toMatchObject({ embedRequests: 2, inputTokens: 6 });
  });

  it('plays the script in order, then the default; reset clears them and the stats', async () => {
    fake.setDefault({ type: 'status', status: 401 });
    fake.script({ type: 'ok' }, { type: 'end-early', afterTokens: 1 });
    // A body the provider refuses gets a 400 without using up the script.
    const invalid = await fetch(`${fake.url}/chat/completions`, { method: 'POST', body: '{}' });
    expect(invalid.status).toBe(400);
    expect((await fetch(`${fake.origin}/v1/nowhere`)).status).toBe(404);
    expect((await client.chat.completions.create(chat)).choices[0].message.content).toBe(
      DEFAULT_TEXT,
    );
    // Non-stream end-early: a 200 whose JSON stops halfway; every SDK throws a SyntaxError.
    expect((await caught(client.chat.completions.create(chat))).name).toBe('SyntaxError');
    expect(await caught(client.chat.completions.create(chat))).toBeInstanceOf(
      openai.AuthenticationError,
    );
    fake.reset();
    expect(fake.stats.requests).toBe(0);
    expect(fake.received).toEqual([]);
    expect((await client.chat.completions.create(chat)).choices[0].finish_reason).toBe('stop');
    await expect(fake.waitForAborts(1, 20)).rejects.toThrow(/saw 0 aborts/);
  });

  it('lists models for health, and fails them when down', async () => {
    expect((await client.models.list()).data.map((m) => m.id)).toEqual(['fake-model']);
    fake.setDefault({ type: 'status', status: 503 });
    expect(await caught(client.models.list())).toBeInstanceOf(openai.InternalServerError);
    expect(await caught(client.chat.completions.create(chat))).toMatchObject({ status: 503 });
    expect(fake.stats).toMatchObject({ requests: 3, chatRequests: 1 });
  });
});

describe('fake Anthropic provider', () => {
  let fake: FakeProviderServer;
  let client: anthropic.Anthropic;
  const params = {
    model: 'claude-fake',
    max_tokens: 100,
    system: 'be brief',
    messages: [{ role: 'user' as const, content: 'say something nice' }],
  };

  beforeAll(async () => {
    fake = await startFakeProvider('anthropic');
    client = new anthropic.Anthropic({ baseURL: fake.url, apiKey: 'test', maxRetries: 0 });
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  const streamed = async (extra: object = {}) =>
    drain(await client.messages.create({ ...params, ...extra, stream: true }));
  const textOf = (events: anthropic.Anthropic.RawMessageStreamEvent[]) =>
    events
      .map((e) =>
        e.type === 'content_block_delta' && e.delta.type === 'text_delta' ? e.delta.text : '',
      )
      .join('');
  const types = (events: anthropic.Anthropic.RawMessageStreamEvent[]) => events.map((e) => e.type);

  it('answers JSON and SSE with the same text, and usage equal to its ground truth', async () => {
    const json = await client.messages.create(params);
    expect(json.content).toEqual([{ type: 'text', text: DEFAULT_TEXT }]);
    expect(json.stop_reason).toBe('end_turn');
    expect(json.usage).toMatchObject({ input_tokens: INPUT_WORDS, output_tokens: 8 });

    const { items, error } = await streamed();
    expect(error).toBeUndefined();
    expect(textOf(items)).toBe(DEFAULT_TEXT);
    expect(types(items)).toEqual([
      'message_start',
      'content_block_start',
      ...Array<string>(8).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const delta = items.find((e) => e.type === 'message_delta');
    expect(delta).toMatchObject({
      delta: { stop_reason: 'end_turn' },
      usage: { output_tokens: 8 },
    });

    const final = await client.messages.stream(params).finalMessage();
    expect(final.content).toEqual(json.content);
    expect(final.usage).toMatchObject({ input_tokens: INPUT_WORDS, output_tokens: 8 });
    expect(fake.stats).toMatchObject({ inputTokens: 3 * INPUT_WORDS, outputTokens: 24 });
    // SDK 1.x sends the API key as a bearer token, with its own `anthropic-version`.
    expect(fake.received[0].headers.authorization).toBe('Bearer test');
    expect(fake.received[0].headers['anthropic-version']).toEqual(expect.any(String));
  });

  it('caps the answer by max_tokens and reports cache reads apart from input', async () => {
    fake.script({ type: 'ok', cachedInputTokens: 2 });
    const json = await client.messages.create({ ...params, max_tokens: 3 });
    expect(json.stop_reason).toBe('max_tokens');
    expect(json.content).toEqual([{ type: 'text', text: 'tok1 tok2 tok3' }]);
    expect(json.usage).toMatchObject({
      input_tokens: INPUT_WORDS - 2,
      cache_read_input_tokens: 2,
      output_tokens: 3,
    });
    expect(fake.stats).toMatchObject({ inputTokens: INPUT_WORDS, cachedInputTokens: 2 });
  });

  it('fails with the SDK error classes, 529 as OverloadedError', async () => {
    fake.script(
      { type: 'status', status: 500 },
      { type: 'status', status: 529 },
      { type: 'rate-limit', retryAfterSeconds: 3 },
      { type: 'status', status: 400 },
    );
    expect(await caught(client.messages.create(params))).toBeInstanceOf(
      anthropic.InternalServerError,
    );
    const overloaded = await caught(client.messages.create(params));
    expect(overloaded).toBeInstanceOf(anthropic.OverloadedError);
    expect(overloaded.type).toBe('overloaded_error');
    const limited = await caught(client.messages.create(params));
    expect(limited).toBeInstanceOf(anthropic.RateLimitError);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(limited.headers.get('retry-after-ms')).toBeNull();
    const tooLong = await caught(client.messages.create(params));
    expect(tooLong).toBeInstanceOf(anthropic.BadRequestError);
    expect(tooLong.apiMessage).toMatch(/^prompt is too long: \d+ tokens > \d+ maximum$/);
  });

  it('cut: the raw stream throws after the sent tokens; non-stream is a connection error', async () => {
    fake.script({ type: 'cut', afterTokens: 2 }, { type: 'cut', afterTokens: 0 });
    const { items, error } = await streamed();
    expectUndiciTerminated(error);
    expect(textOf(items)).toBe('tok1 tok2');
    expect(await caught(client.messages.create(params))).toBeInstanceOf(
      anthropic.APIConnectionError,
    );
    expect(fake.stats).toMatchObject({ outputTokens: 2, aborted: 0 });
  });

  it('end-early: the raw stream ends quietly without message_delta or message_stop', async () => {
    fake.script({ type: 'end-early', afterTokens: 3 }, { type: 'end-early', afterTokens: 3 });
    const { items, error } = await streamed();
    expect(error).toBeUndefined();
    expect(textOf(items)).toBe('tok1 tok2 tok3');
    expect(types(items)).not.toContain('message_stop');
    const final = await caught(client.messages.stream(params).finalMessage());
    expect(final).toBeInstanceOf(anthropic.AnthropicError);
    expect(final.message).toMatch(/stream ended without producing a Message/);
  });

  it('hang: an aborted request reaches the server as an abort', async () => {
    fake.script({ type: 'hang' });
    const controller = new AbortController();
    const pending = caught(client.messages.create(params, { signal: controller.signal }));
    await until(() => fake.received.length === 1);
    controller.abort();
    expect(await pending).toBeInstanceOf(anthropic.APIUserAbortError);
    await fake.waitForAborts(1);
  });

  it('lists models for health', async () => {
    expect((await client.models.list()).data.map((m) => m.id)).toEqual(['fake-model']);
  });
});

describe('fake Ollama provider', () => {
  let fake: FakeProviderServer;
  let client: Ollama;
  const request = { model: 'llama-fake', messages: MESSAGES };

  beforeAll(async () => {
    fake = await startFakeProvider('ollama');
    client = new Ollama({ host: fake.url });
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  const streamed = async (extra: object = {}) =>
    drain(await client.chat({ ...request, ...extra, stream: true }));
  const textOf = (parts: { message: { content: string } }[]) =>
    parts.map((p) => p.message.content).join('');

  it('answers JSON and NDJSON with the same text, and counts equal to its ground truth', async () => {
    const json = await client.chat(request);
    expect(json.message).toEqual({ role: 'assistant', content: DEFAULT_TEXT });
    expect(json).toMatchObject({ done: true, done_reason: 'stop', prompt_eval_count: INPUT_WORDS });
    expect(json.eval_count).toBe(8);

    const { items, error } = await streamed();
    expect(error).toBeUndefined();
    expect(textOf(items)).toBe(DEFAULT_TEXT);
    expect(items.at(-1)).toMatchObject({
      done: true,
      prompt_eval_count: INPUT_WORDS,
      eval_count: 8,
    });
    expect(fake.stats).toMatchObject({ inputTokens: 2 * INPUT_WORDS, outputTokens: 16 });
    expect(fake.received.map((r) => r.body?.stream as unknown)).toEqual([false, true]);
  });

  it('streams token by token, and stops writing when the client aborts', async () => {
    const slow = await startFakeProvider('ollama', { tokenDelayMs: 50 });
    try {
      const stream = await new Ollama({ host: slow.url }).chat({ ...request, stream: true });
      const first = await stream[Symbol.asyncIterator]().next();
      expect(first.value?.message.content).toBe('tok1');
      expect(slow.stats.outputTokens).toBeLessThan(8);
      stream.abort();
      await slow.waitForAborts(1);
      expect(slow.stats.outputTokens).toBeLessThan(8);
    } finally {
      await slow.close();
    }
  });

  it('caps by num_predict; a cache hit lowers prompt_eval_count; usage can be left out', async () => {
    fake.script({ type: 'ok', cachedInputTokens: 4 }, { type: 'ok', omitUsage: true });
    const json = await client.chat({ ...request, options: { num_predict: 2 } });
    expect(json).toMatchObject({ done_reason: 'length', prompt_eval_count: 1, eval_count: 2 });
    expect(json.message.content).toBe('tok1 tok2');
    const bare = await client.chat(request);
    expect(bare.prompt_eval_count).toBeUndefined();
    expect(fake.stats).toMatchObject({ inputTokens: 2 * INPUT_WORDS, cachedInputTokens: 4 });
  });

  it('fails with ResponseError and the status code (the SDK drops the headers)', async () => {
    fake.script(
      { type: 'status', status: 500 },
      { type: 'rate-limit', retryAfterSeconds: 1 },
      { type: 'status', status: 400 },
    );
    for (const status of [500, 429, 400]) {
      const error = await caught(client.chat(request));
      expect(error).toMatchObject({ name: 'ResponseError', status_code: status });
    }
  });

  it('cut throws mid-stream; end-early makes the SDK throw for the missing done', async () => {
    fake.script({ type: 'cut', afterTokens: 2 }, { type: 'end-early', afterTokens: 2 });
    const cut = await streamed();
    expectUndiciTerminated(cut.error);
    expect(textOf(cut.items)).toBe('tok1 tok2');
    const early = await streamed();
    expect(early.error.message).toBe('Did not receive done or success response in stream.');
    expect(textOf(early.items)).toBe('tok1 tok2');
    expect(fake.stats).toMatchObject({ outputTokens: 4, aborted: 0 });
  });

  it('hang: only a signal passed through `fetch` can abort it, and the server sees that', async () => {
    // ollama-js sends no signal of its own before the response headers arrive.
    const controller = new AbortController();
    const abortable = new Ollama({
      host: fake.url,
      fetch: (url, init) =>
        fetch(url, {
          ...init,
          signal: init?.signal
            ? AbortSignal.any([init.signal, controller.signal])
            : controller.signal,
        }),
    });
    fake.script({ type: 'hang' });
    const pending = caught(abortable.chat(request));
    await until(() => fake.received.length === 1);
    controller.abort();
    expect((await pending).name).toBe('AbortError');
    await fake.waitForAborts(1);
  });

  it('embeds deterministically', async () => {
    const embedded = await client.embed({ model: 'emb', input: ['hello world', 'again'] });
    expect(embedded.embeddings).toEqual(['hello world', 'again'].map((text) => embeddingFor(text)));
    expect(embedded.prompt_eval_count).toBe(3);
    expect(fake.stats).toMatchObject({ embedRequests: 1, inputTokens: 3 });
  });

  it('answers tags and version for health, and fails them when down', async () => {
    expect((await client.list()).models.map((m) => m.name)).toEqual(['fake-model']);
    expect((await client.version()).version).toMatch(/^\d+\.\d+\.\d+$/);
    fake.setDefault({ type: 'status', status: 503 });
    expect(await caught(client.list())).toMatchObject({ name: 'ResponseError', status_code: 503 });
  });
});
