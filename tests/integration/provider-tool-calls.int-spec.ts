import {
  createAdapter,
  type LlmMessage,
  type LlmTool,
  type ProviderAdapter,
  type ToolCall,
} from '@switchboard/llm';
import {
  adapterCall as call,
  runCall as run,
  type AdapterChunk as Chunk,
  type CallMode as Mode,
} from '../support/adapter-calls';
import {
  countInputTokens,
  startFakeProvider,
  structuredText,
  toolCallTokens,
  type FakeBehaviour,
  type FakeKind,
  type FakeProviderServer,
  type ReceivedRequest,
} from '../support/fake-providers';

// Tool calling through the three adapters' official SDKs, against the fake providers: a
// three-turn tool loop chat and stream, the wire shapes each provider receives, the calls
// that come back (streamed pieces assembled), finish reasons and usage as the fake counted.

const SYSTEM = 'You answer weather questions.';
const QUESTION = 'What is the weather in Paris and Tokyo?';
const TOOLS: LlmTool[] = [
  {
    name: 'get_weather',
    description: 'Current weather of a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
  {
    name: 'get_time',
    description: 'Local time in a zone',
    parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] },
  },
];

/** Tool results a request carries, in its protocol's shape. */
function toolResultsIn(kind: FakeKind, body: any): number {
  const messages: { role?: string; content?: unknown }[] = body.messages;
  if (kind !== 'anthropic') return messages.filter((m) => m.role === 'tool').length;
  return messages
    .flatMap((m) => (Array.isArray(m.content) ? (m.content as { type?: string }[]) : []))
    .filter((b) => b.type === 'tool_result').length;
}

const TURNS: FakeBehaviour[] = [
  {
    type: 'ok',
    text: 'Let me check.',
    toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }],
  },
  {
    type: 'ok',
    toolCalls: [
      { name: 'get_weather', arguments: { city: 'Tokyo', units: 'metric' } },
      { name: 'get_time', arguments: { zone: 'Asia/Tokyo' } },
    ],
  },
  { type: 'ok', text: 'Paris is sunny, Tokyo rainy.' },
];

const usageOfCall = (fake: FakeProviderServer, i: number) => ({
  inputTokens: fake.calls[i].inputTokens,
  outputTokens: fake.calls[i].outputTokens,
  cachedInputTokens: 0,
});

describe.each<FakeKind>(['openai', 'anthropic', 'ollama'])('%s adapter tool calls', (kind) => {
  let fake: FakeProviderServer;
  let adapter: ProviderAdapter;

  beforeAll(async () => {
    fake = await startFakeProvider(kind);
    adapter = createAdapter({ name: `fake-${kind}`, kind, baseURL: fake.url, apiKey: 'k' });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    // The conversation decides the turn: no tool result yet, one, then three.
    fake.respond((req) => TURNS[[0, 1, -1, 2][toolResultsIn(kind, req.body)]]);
  });

  describe.each<Mode>(['chat', 'stream'])('%s', (mode) => {
    it('runs a three-turn tool loop: one call, two parallel calls, then the answer', async () => {
      const messages: LlmMessage[] = [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: QUESTION },
      ];
      const chunks: Chunk[] = [];
      const one = await run(
        adapter,
        mode,
        call(messages, {
          tools: TOOLS,
          toolChoice: { name: 'get_weather' },
          parallelToolCalls: false,
        }),
        chunks,
      );
      expect(one.text).toBe('Let me check.');
      expect(one.toolCalls).toEqual([
        { id: expect.any(String), name: 'get_weather', arguments: '{"city":"Paris"}' },
      ]);
      expect(one.finishReason).toBe('tool_calls');
      // Tool definitions are input; the call's arguments are output.
      // Ollama has no tool_choice: a named tool is offered alone.
      const offered = kind === 'ollama' ? TOOLS.slice(0, 1) : TOOLS;
      const toolTexts = offered.flatMap((t) => [
        t.name,
        t.description ?? '',
        structuredText(t.parameters),
      ]);
      expect(fake.calls[0].inputTokens).toBe(countInputTokens([SYSTEM, QUESTION, ...toolTexts]));
      expect(fake.calls[0].outputTokens).toBe(
        3 + toolCallTokens('get_weather', '{"city":"Paris"}'),
      );
      expect(one.usage).toEqual(usageOfCall(fake, 0));
      if (mode === 'stream') {
        // Anthropic's tool_use block is content block 1 (after the text): tool call index 0.
        expect(
          chunks
            .filter((c) => c.type === 'tool_call')
            .every((c) => c.type === 'tool_call' && c.index === 0),
        ).toBe(true);
      }

      const first = one.toolCalls![0];
      messages.push(
        { role: 'assistant', content: one.text, toolCalls: one.toolCalls },
        { role: 'tool', toolCallId: first.id, name: first.name, content: 'Sunny, 21 C' },
      );
      chunks.length = 0;
      const two = await run(
        adapter,
        mode,
        call(messages, { tools: TOOLS, toolChoice: 'required' }),
        chunks,
      );
      expect(two.toolCalls?.map(({ name, arguments: a }) => ({ name, a }))).toEqual([
        { name: 'get_weather', a: '{"city":"Tokyo","units":"metric"}' },
        { name: 'get_time', a: '{"zone":"Asia/Tokyo"}' },
      ]);
      expect(new Set([first.id, ...two.toolCalls!.map((c) => c.id)]).size).toBe(3);
      expect(two.finishReason).toBe('tool_calls');
      expect(two.usage).toEqual(usageOfCall(fake, 1));
      if (mode === 'stream' && kind === 'openai') {
        // Parallel calls arrive interleaved: argument pieces alternate between the indexes.
        const order = chunks.flatMap((c) =>
          c.type === 'tool_call' && c.arguments ? [c.index] : [],
        );
        expect(order.slice(0, 4)).toEqual([0, 1, 0, 1]);
      }

      const [weather, time] = two.toolCalls!;
      messages.push(
        { role: 'assistant', content: '', toolCalls: two.toolCalls },
        { role: 'tool', toolCallId: weather.id, name: weather.name, content: 'Rain, 14 C' },
        {
          role: 'tool',
          toolCallId: time.id,
          name: time.name,
          content: 'unknown zone',
          isError: true,
        },
      );
      const three = await run(adapter, mode, call(messages, { tools: TOOLS, toolChoice: 'auto' }));
      expect(three).toEqual({
        text: 'Paris is sunny, Tokyo rainy.',
        finishReason: 'stop',
        usage: usageOfCall(fake, 2),
      });
      expect(fake.calls.map((c) => c.inputTokens)).toEqual(
        [...fake.calls.map((c) => c.inputTokens)].sort((a, b) => a - b),
      );
      expectWire(kind, fake.received, first, two.toolCalls!);
    });
  });

  // Anthropic's whole message carries `input` as an object: only its stream can be malformed.
  it.each<Mode>(kind === 'anthropic' ? ['stream'] : ['chat', 'stream'])(
    'passes malformed arguments JSON through raw (%s)',
    async (mode) => {
      fake.respond(undefined);
      fake.script({ type: 'ok', toolCalls: [{ name: 'get_weather', arguments: '{"city": "Par' }] });
      const result = await run(
        adapter,
        mode,
        call([{ role: 'user', content: QUESTION }], { tools: TOOLS }),
      );
      expect(result.toolCalls?.[0]).toMatchObject({
        name: 'get_weather',
        arguments: '{"city": "Par',
      });
      expect(result.usage.outputTokens).toBe(fake.calls[0].outputTokens);
    },
  );

  it('sends toolChoice none the provider way', async () => {
    await adapter.chat(
      call([{ role: 'user', content: QUESTION }], { tools: TOOLS, toolChoice: 'none' }),
    );
    const body = fake.received[0].body;
    if (kind === 'openai') expect(body.tool_choice).toBe('none');
    if (kind === 'anthropic') expect(body.tool_choice).toEqual({ type: 'none' });
    // Ollama has no tool_choice: no tools offered is the only way to say none.
    if (kind === 'ollama') expect(body.tools).toBeUndefined();
  });
});

/** The three requests of the loop, in each protocol's shape. */
function expectWire(
  kind: FakeKind,
  received: ReceivedRequest[],
  first: ToolCall,
  parallel: ToolCall[],
) {
  const [one, two, three] = [received[0].body, received[1].body, received[2].body];
  const [weather, time] = parallel;
  if (kind === 'openai') {
    expect(one.tools[0]).toEqual({ type: 'function', function: TOOLS[0] });
    expect(one).toMatchObject({
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: false,
    });
    expect(two.tool_choice).toBe('required');
    expect(two.messages.slice(2)).toEqual([
      {
        role: 'assistant',
        content: 'Let me check.',
        tool_calls: [
          {
            id: first.id,
            type: 'function',
            function: { name: 'get_weather', arguments: first.arguments },
          },
        ],
      },
      { role: 'tool', tool_call_id: first.id, content: 'Sunny, 21 C' },
    ]);
    expect(three.messages.slice(4)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: parallel.map((c) => ({
          id: c.id,
          type: 'function',
          function: { name: c.name, arguments: c.arguments },
        })),
      },
      { role: 'tool', tool_call_id: weather.id, content: 'Rain, 14 C' },
      { role: 'tool', tool_call_id: time.id, content: 'unknown zone' },
    ]);
  }
  if (kind === 'anthropic') {
    expect(one.system).toBe(SYSTEM);
    expect(one.tools[0]).toEqual({
      name: 'get_weather',
      description: 'Current weather of a city',
      input_schema: TOOLS[0].parameters,
    });
    expect(one.tool_choice).toEqual({
      type: 'tool',
      name: 'get_weather',
      disable_parallel_tool_use: true,
    });
    expect(two.tool_choice).toEqual({ type: 'any' });
    expect(three.tool_choice).toEqual({ type: 'auto' });
    expect(two.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me check.' },
          { type: 'tool_use', id: first.id, name: 'get_weather', input: { city: 'Paris' } },
        ],
      },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: first.id, content: 'Sunny, 21 C' }],
      },
    ]);
    // Both results of the parallel calls in ONE user message.
    expect(three.messages.slice(3)).toEqual([
      {
        role: 'assistant',
        content: parallel.map((c) => ({
          type: 'tool_use',
          id: c.id,
          name: c.name,
          input: JSON.parse(c.arguments),
        })),
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: weather.id, content: 'Rain, 14 C' },
          { type: 'tool_result', tool_use_id: time.id, content: 'unknown zone', is_error: true },
        ],
      },
    ]);
  }
  if (kind === 'ollama') {
    expect(one.tools).toEqual([{ type: 'function', function: TOOLS[0] }]);
    expect(two.tools).toHaveLength(2);
    expect(two.messages.slice(2)).toEqual([
      {
        role: 'assistant',
        content: 'Let me check.',
        tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Paris' } } }],
      },
      { role: 'tool', content: 'Sunny, 21 C', tool_name: 'get_weather' },
    ]);
    expect(three.messages.slice(4)).toEqual([
      {
        role: 'assistant',
        content: '',
        tool_calls: parallel.map((c) => ({
          function: { name: c.name, arguments: JSON.parse(c.arguments) },
        })),
      },
      { role: 'tool', content: 'Rain, 14 C', tool_name: 'get_weather' },
      { role: 'tool', content: 'unknown zone', tool_name: 'get_time' },
    ]);
  }
}
