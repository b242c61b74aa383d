import type {
  BudgetSubject,
  CallQuote,
  CallRegistration,
  ReserveResult,
} from '@switchboard/budget';
import { loadConfig } from '@switchboard/config';
import {
  LlmRouter,
  ModelCatalogue,
  NoCandidateError,
  ProviderError,
  ProviderGate,
  StreamInterruptedError,
  byteBound,
  estimateMessageTokens,
  estimateTokens,
  messageInput,
  type CallBudget,
  type LlmMessage,
  type LlmRequest,
  type LlmResponse,
  type LlmRouting,
  type LlmStreamEvent,
  type LlmTool,
  type ModelCatalogueFile,
  type ProviderAdapter,
  type ToolCall,
} from '@switchboard/llm';
import { randomUUID } from 'node:crypto';
import { createBudgetKit, type BudgetKit } from '../support/budget-kit';
import { CapturingSink, fakeModel } from '../support/router-kit';

// Tool calling through the router: a scripted in-test provider adapter (the fake provider
// servers speak text only here), the gate in real Redis, the real budget scripts.

type ChatCall = Parameters<ProviderAdapter['chat']>[0];
type ChatResult = Awaited<ReturnType<ProviderAdapter['chat']>>;
type StreamChunk = ReturnType<ProviderAdapter['stream']> extends AsyncIterable<infer C> ? C : never;

/** A provider whose answers each test scripts: whole chat results, or streams of chunks. */
class ScriptedAdapter implements ProviderAdapter {
  readonly kind = 'openai' as const;
  readonly calls: ChatCall[] = [];
  readonly chats: ChatResult[] = [];
  readonly streams: { chunks: StreamChunk[]; breakWith?: ProviderError }[] = [];
  /** Of its last stream: chunks the router pulled, and whether the router closed it. */
  pulled = 0;
  closed = false;

  constructor(readonly name: string) {}

  async chat(call: ChatCall): Promise<ChatResult> {
    this.calls.push(call);
    const result = this.chats.shift();
    if (!result) throw new ProviderError('server', this.name, 'nothing scripted');
    return result;
  }

  async *stream(call: ChatCall): AsyncIterable<StreamChunk> {
    this.calls.push(call);
    const script = this.streams.shift();
    if (!script) throw new ProviderError('server', this.name, 'nothing scripted');
    this.pulled = 0;
    this.closed = false;
    try {
      for (const chunk of script.chunks) {
        if (call.signal.aborted) throw call.signal.reason;
        this.pulled++;
        yield chunk;
      }
      if (script.breakWith) throw script.breakWith;
    } finally {
      this.closed = true;
    }
  }

  async health(): Promise<void> {}
}

/** The real budget, observed: the quote of each reservation. */
class ObservedBudget implements CallBudget {
  readonly quotes: CallQuote[] = [];
  constructor(private readonly kit: BudgetKit) {}
  reserve(s: BudgetSubject | null, q: CallQuote, r?: CallRegistration): Promise<ReserveResult> {
    this.quotes.push(q);
    return this.kit.budget.reserve(s, q, r);
  }
  settle: CallBudget['settle'] = (reservation, actual, record) =>
    this.kit.budget.settle(reservation, actual, record);
}

const content = 'what is the weather in Paris, and the time in UTC?';
const messages: LlmMessage[] = [{ role: 'user', content }];
const tools: LlmTool[] = [
  {
    name: 'get_weather',
    description: 'The weather in a city now',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
  {
    name: 'get_time',
    parameters: { type: 'object', properties: { tz: { type: 'string' } }, required: ['tz'] },
  },
];
const calls: ToolCall[] = [
  { id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
  { id: 'call_b', name: 'get_time', arguments: '{"tz":"UTC"}' },
];
/** The two calls streamed in pieces, interleaved by index as parallel calls arrive. */
const pieces: StreamChunk[] = [
  { type: 'tool_call', index: 0, id: 'call_a', name: 'get_weather' },
  { type: 'tool_call', index: 1, id: 'call_b', name: 'get_time' },
  { type: 'tool_call', index: 0, arguments: '{"city":' },
  { type: 'tool_call', index: 1, arguments: '{"tz":"UTC"}' },
  { type: 'tool_call', index: 0, arguments: '"Paris"}' },
];
const usage = { inputTokens: 40, outputTokens: 12, cachedInputTokens: 0 };
const image = { type: 'image' as const, data: 'iVBORw0KGgo=', mediaType: 'image/png' as const };

describe('LLM router: tool calls', () => {
  let kit: BudgetKit;
  let n = 0;
  let adapters: Map<string, ScriptedAdapter>;
  let sink: CapturingSink;
  let budget: ObservedBudget;

  const names = ['plain', 'tooly', 'tooly2', 'vis', 'schema'];
  const models: ModelCatalogueFile['models'] = [
    fakeModel('plain', 'chat-model', [1], { priority: 1 }),
    fakeModel('tooly', 'tool-model', [1], { priority: 2, capabilities: ['chat', 'tools'] }),
    fakeModel('tooly2', 'tool-model-2', [1], { priority: 3, capabilities: ['chat', 'tools'] }),
    fakeModel('vis', 'vision-model', [1], { priority: 4, capabilities: ['chat', 'vision'] }),
    fakeModel('schema', 'schema-model', [1], {
      priority: 5,
      capabilities: ['chat', 'json_schema'],
    }),
  ];

  beforeAll(async () => {
    kit = await createBudgetKit('llm-router-tools-int-spec', {
      BUDGET_POOL_CACHE_MS: '0',
      BUDGET_MIN_OUTPUT_TOKENS: '1',
    });
  });

  afterAll(async () => {
    await kit?.close();
  });

  /** A fresh router, scripted adapters and gate keys per test; budgeted when `budgeted`. */
  function router(budgeted = false): LlmRouter {
    const config = loadConfig({ LLM_REQUEST_TIMEOUT_MS: '2000', LLM_BREAKER_MIN_CALLS: '100' }).llm;
    const providers = names.map((name) => ({ name, kind: 'openai' as const, local: false }));
    const catalogue = new ModelCatalogue({ version: 1, providers, models }, new Map(), 'test');
    adapters = new Map(names.map((name) => [name, new ScriptedAdapter(name)]));
    const prefix = `${kit.config.redis.prefix}:gate:${++n}`;
    const gate = new ProviderGate(kit.redis, prefix, config.breaker, config.requestTimeoutMs);
    sink = new CapturingSink();
    budget = new ObservedBudget(kit);
    return new LlmRouter({
      catalogue,
      adapters,
      gate,
      invocations: sink,
      budget: budgeted ? budget : undefined,
      config,
      unhealthy: () => new Set<string>(),
    });
  }
  const adapter = (name: string) => adapters.get(name)!;

  /** A job of a fresh tenant with a daily pool of `limitMicros`. */
  async function job(limitMicros: number): Promise<LlmRouting> {
    const tenantId = await kit.tenant();
    await kit.pools.create({ tenantId, scope: 'tenant', period: 'daily', limitMicros });
    return { tier: 1, privacy: false, job: { jobId: randomUUID(), tenantId, role: 'coder' } };
  }

  const tier1: LlmRouting = { tier: 1, privacy: false };
  async function collect(
    r: LlmRouter,
    request: LlmRequest,
    routing: LlmRouting = tier1,
  ): Promise<LlmStreamEvent[]> {
    const events: LlmStreamEvent[] = [];
    for await (const event of r.stream(request, routing)) events.push(event);
    return events;
  }
  const doneOf = (events: LlmStreamEvent[]): LlmResponse =>
    (events.at(-1) as Extract<LlmStreamEvent, { type: 'done' }>).response;

  it('chat: tool calls reach the response, with finishReason tool_calls', async () => {
    const r = router();
    adapter('tooly').chats.push({ text: '', toolCalls: calls, finishReason: 'tool_calls', usage });
    const request: LlmRequest = { messages, tools, toolChoice: 'auto', parallelToolCalls: true };
    const response = await r.chat(request, tier1);
    expect(response).toMatchObject({
      text: '',
      toolCalls: calls,
      finishReason: 'tool_calls',
      provider: 'tooly',
      usage: { inputTokens: 40, outputTokens: 12 },
    });
    // The tools go to the provider as asked; the model without `tools` was never called.
    expect(adapter('tooly').calls[0]).toMatchObject({
      tools,
      toolChoice: 'auto',
      parallelToolCalls: true,
    });
    expect(adapter('plain').calls).toHaveLength(0);
    expect(sink.summary()).toEqual(['tooly/tool-model:ok']);
  });

  it('stream: tool-call pieces pass through in order; parallel calls are assembled by index', async () => {
    const r = router();
    adapter('tooly').streams.push({
      chunks: [
        { type: 'delta', text: 'Let me check.' },
        ...pieces,
        { type: 'done', finishReason: 'tool_calls', usage },
      ],
    });
    const events = await collect(r, { messages, tools });
    expect(events.slice(0, -1)).toEqual([{ type: 'delta', text: 'Let me check.' }, ...pieces]);
    expect(doneOf(events)).toMatchObject({
      text: 'Let me check.',
      toolCalls: calls,
      finishReason: 'tool_calls',
      provider: 'tooly',
      usage: { inputTokens: 40, outputTokens: 12 },
    });
    expect(sink.rows[0]).toMatchObject({ outcome: 'ok', callKind: 'stream' });
    expect(sink.rows[0].ttftMs).not.toBeNull();
  });

  it('counts usage itself when the provider reports none, tool-call output included', async () => {
    const r = router();
    const none = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 };
    adapter('tooly').chats.push({
      text: '',
      toolCalls: calls,
      finishReason: 'tool_calls',
      usage: none,
    });
    adapter('tooly').streams.push({
      chunks: [...pieces, { type: 'done', finishReason: 'tool_calls', usage: null }],
    });
    const chat = await r.chat({ messages, tools }, tier1);
    const streamed = doneOf(await collect(r, { messages, tools }));
    // Input: our count of the prompt with its tool definitions; output: the calls' JSON
    // (chat), one token a streamed piece.
    const inputTokens = estimateMessageTokens(messages, tools);
    expect(inputTokens).toBeGreaterThan(estimateMessageTokens(messages));
    expect(chat.usage).toMatchObject({
      inputTokens,
      outputTokens: estimateTokens(JSON.stringify(calls)),
    });
    expect(chat.usage.outputTokens).toBeGreaterThan(0);
    expect(streamed.usage).toMatchObject({ inputTokens, outputTokens: pieces.length });
    expect(streamed.toolCalls).toEqual(calls);
    expect(sink.rows.map((row) => [row.inputTokens, row.outputTokens])).toEqual([
      [inputTokens, chat.usage.outputTokens],
      [inputTokens, pieces.length],
    ]);
  });

  it('reserves budget for the tool definitions as input', async () => {
    const r = router(true);
    const routing = await job(1_000_000);
    const answer = { text: 'ok', finishReason: 'stop' as const, usage };
    adapter('tooly').chats.push(answer, answer);
    await r.chat({ messages, model: 'tooly/tool-model' }, routing);
    await r.chat({ messages, tools, model: 'tooly/tool-model' }, routing);
    const [without, withTools] = budget.quotes.map((q) => q.inputTokens);
    // No inputTokenFactor in the catalogue: the byte bound, tool definitions counted as text.
    expect(without).toBe(byteBound([content]));
    expect(withTools).toBe(byteBound(messageInput(messages, tools).texts));
    expect(withTools - without).toBeGreaterThan(Buffer.byteLength(JSON.stringify(tools)));
  });

  it("a stream broken after tool-call pieces fails under the 'fail' policy", async () => {
    const r = router();
    const reset = new ProviderError('connection', 'tooly', 'connection reset');
    adapter('tooly').streams.push({ chunks: pieces.slice(0, 3), breakWith: reset });
    const events: LlmStreamEvent[] = [];
    const run = async () => {
      for await (const event of r.stream({ messages, tools }, tier1)) events.push(event);
    };
    await expect(run()).rejects.toBeInstanceOf(StreamInterruptedError);
    expect(events).toEqual(pieces.slice(0, 3));
    expect(adapter('tooly2').calls).toHaveLength(0);
    expect(sink.rows[0]).toMatchObject({ outcome: 'interrupted', outputTokens: 3 });
  });

  it('restarts a stream broken after tool-call pieces, telling the reader to drop them', async () => {
    const r = router();
    const reset = new ProviderError('connection', 'tooly', 'connection reset');
    const partial: StreamChunk[] = [{ type: 'delta', text: 'Checking' }, ...pieces.slice(0, 3)];
    adapter('tooly').streams.push({ chunks: partial, breakWith: reset });
    const second: StreamChunk[] = [
      { type: 'tool_call', index: 0, id: 'call_c', name: 'get_time', arguments: '{"tz":"CET"}' },
    ];
    adapter('tooly2').streams.push({
      chunks: [...second, { type: 'done', finishReason: 'tool_calls', usage }],
    });
    const events = await collect(r, { messages, tools }, { ...tier1, streamFailover: 'restart' });
    expect(events.slice(0, -1)).toEqual([
      ...partial,
      {
        type: 'restart',
        from: 'tooly/tool-model',
        to: 'tooly2/tool-model-2',
        reason: reset.message,
        discard: { text: true, toolCalls: true },
      },
      ...second,
    ]);
    // Only the second provider's call: the first one's pieces were dropped with the restart.
    expect(doneOf(events)).toMatchObject({
      text: '',
      toolCalls: [{ id: 'call_c', name: 'get_time', arguments: '{"tz":"CET"}' }],
      finishReason: 'tool_calls',
      provider: 'tooly2',
    });
    expect(sink.summary()).toEqual(['tooly/tool-model:interrupted', 'tooly2/tool-model-2:ok']);
  });

  it('a provider failing before any tool-call piece is a failover, not a restart', async () => {
    const r = router();
    adapter('tooly').streams.push({
      chunks: [],
      breakWith: new ProviderError('server', 'tooly', '502 bad gateway'),
    });
    adapter('tooly2').streams.push({
      chunks: [...pieces, { type: 'done', finishReason: 'tool_calls', usage }],
    });
    const events = await collect(r, { messages, tools });
    expect(events[0]).toMatchObject({ type: 'failover', from: 'tooly/tool-model' });
    expect(events.filter((e) => e.type === 'restart')).toHaveLength(0);
    expect(doneOf(events).toolCalls).toEqual(calls);
  });

  it('cuts off a stream of tool-call pieces when its reservation is spent', async () => {
    const r = router(true);
    // The input at its byte bound (1 µ$ a token) and 3 output tokens (2 µ$ each).
    const input = byteBound(messageInput(messages, tools).texts);
    const routing = await job(input + 3 * 2);
    const many: StreamChunk[] = Array.from({ length: 10 }, () => ({
      type: 'tool_call' as const,
      index: 0,
      arguments: 'x',
    }));
    adapter('tooly').streams.push({
      chunks: [...many, { type: 'done', finishReason: 'tool_calls', usage: null }],
    });
    const events = await collect(r, { messages, tools, maxTokens: 8 }, routing);
    expect(events.slice(0, -1)).toEqual([
      { type: 'budget', event: 'max_tokens_lowered', requested: 8, maxTokens: 3 },
      ...many.slice(0, 3),
    ]);
    const response = doneOf(events);
    expect(response.finishReason).toBe('budget_exhausted');
    // A call whose arguments were cut off is not one to run.
    expect(response.toolCalls).toBeUndefined();
    // The router stopped reading at the piece past the reservation, and closed the stream.
    expect(adapter('tooly').pulled).toBe(4);
    expect(adapter('tooly').closed).toBe(true);
    expect(sink.rows[0]).toMatchObject({ outcome: 'budget_exhausted', outputTokens: 4 });
  });

  describe('capabilities', () => {
    const answer = (): ChatResult => ({ text: 'ok', finishReason: 'stop', usage });
    const served = async (request: LlmRequest) => {
      const r = router();
      for (const a of adapters.values()) a.chats.push(answer());
      return (await r.chat(request, tier1)).provider;
    };

    it('routes each need only to models that have it', async () => {
      expect(await served({ messages })).toBe('plain');
      expect(await served({ messages, tools })).toBe('tooly');
      const pictured: LlmMessage[] = [
        { role: 'user', content: [{ type: 'text', text: content }, image] },
      ];
      expect(await served({ messages: pictured })).toBe('vis');
      const schema = { type: 'object', properties: { city: { type: 'string' } } };
      const structured = { type: 'json_schema' as const, name: 'answer', schema };
      expect(await served({ messages, responseFormat: structured })).toBe('schema');
      expect(adapter('schema').calls[0].responseFormat).toEqual(structured);
      // json_object needs no capability.
      expect(await served({ messages, responseFormat: { type: 'json_object' } })).toBe('plain');
    });

    it('refuses a call no model can serve with NoCandidateError', async () => {
      const r = router();
      const pictured: LlmMessage[] = [{ role: 'user', content: [image] }];
      const structured = { type: 'json_schema' as const, name: 'a', schema: { type: 'object' } };
      for (const request of [
        { messages: pictured, tools },
        { messages, tools, responseFormat: structured },
        { messages: pictured, responseFormat: structured },
        { messages, tools, model: 'plain/chat-model' },
      ]) {
        await expect(r.chat(request, tier1)).rejects.toBeInstanceOf(NoCandidateError);
        await expect(collect(r, request)).rejects.toBeInstanceOf(NoCandidateError);
      }
      expect(sink.rows).toHaveLength(0);
    });
  });
});
