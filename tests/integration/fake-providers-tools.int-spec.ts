import * as anthropic from '@anthropic-ai/sdk';
import { Ollama } from 'ollama';
import * as openai from 'openai';
import {
  countInputTokens,
  startFakeProvider,
  structuredText,
  toolCallTokens,
  type FakeProviderServer,
  type FakeToolCall,
} from '../support/fake-providers';

// The fakes' tool calls, JSON answers and per-request responder, read by the official SDKs'
// own stream accumulators: if the SDK assembles the fake's events into the scripted calls,
// the fake speaks the real wire shape.

const QUESTION = 'weather in Paris and Tokyo';
const SCHEMA = { type: 'object', properties: { city: { type: 'string' } } };
const CALLS: FakeToolCall[] = [
  { name: 'get_weather', arguments: { city: 'Paris' } },
  { name: 'get_weather', arguments: { city: 'Tokyo', days: [1, 2] }, id: 'given-id' },
];
const CALL_TOKENS =
  toolCallTokens('get_weather', '{"city":"Paris"}') +
  toolCallTokens('get_weather', '{"city":"Tokyo","days":[1,2]}');
/** Words of the question, plus the tool's name and its schema's words. */
const INPUT = countInputTokens([QUESTION, 'get_weather', structuredText(SCHEMA)]);

describe('fake OpenAI provider: tools', () => {
  let fake: FakeProviderServer;
  let client: openai.OpenAI;
  const request = {
    model: 'gpt-fake',
    messages: [{ role: 'user' as const, content: QUESTION }],
    tools: [{ type: 'function' as const, function: { name: 'get_weather', parameters: SCHEMA } }],
  };

  beforeAll(async () => {
    fake = await startFakeProvider('openai');
    client = new openai.OpenAI({ baseURL: fake.url, apiKey: 'test', maxRetries: 0 });
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  it('streams parallel calls the SDK accumulator puts back together, usage counted', async () => {
    fake.script({ type: 'ok', toolCalls: CALLS });
    const stream = client.chat.completions.stream({
      ...request,
      stream_options: { include_usage: true },
    });
    const completion = await stream.finalChatCompletion();
    const choice = completion.choices[0];
    expect(choice.finish_reason).toBe('tool_calls');
    expect(
      choice.message.tool_calls?.map((c) => c.type === 'function' && [c.id, c.function]),
    ).toEqual([
      ['call_chatcmpl-fake-1_0', { name: 'get_weather', arguments: '{"city":"Paris"}' }],
      ['given-id', { name: 'get_weather', arguments: '{"city":"Tokyo","days":[1,2]}' }],
    ]);
    expect(completion.usage).toMatchObject({
      prompt_tokens: INPUT,
      completion_tokens: CALL_TOKENS,
    });
    expect(fake.stats).toMatchObject({ inputTokens: INPUT, outputTokens: CALL_TOKENS });
  });

  it('answers a json behaviour with its JSON text, and refuses a tool message without an id', async () => {
    fake.script({ type: 'ok', json: { city: 'Paris', temp: 21 } });
    const completion = await client.chat.completions.create(request);
    expect(completion.choices[0].message.content).toBe('{"city":"Paris","temp":21}');
    const bad = {
      role: 'tool',
      content: 'x',
    } as unknown as openai.OpenAI.ChatCompletionMessageParam;
    const error = await client.chat.completions
      .create({ ...request, messages: [...request.messages, bad] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(openai.BadRequestError);
  });

  it('asks the responder first; undefined falls back to the script, then the default', async () => {
    fake.respond((req) =>
      JSON.stringify(req.body).includes('Tokyo') ? { type: 'ok', text: 'responded' } : undefined,
    );
    fake.script({ type: 'ok', text: 'scripted' });
    const ask = async (content: string) =>
      (await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content }] }))
        .choices[0].message.content;
    expect(await ask('Tokyo?')).toBe('responded');
    expect(await ask('Paris?')).toBe('scripted');
    expect(await ask('Tokyo again')).toBe('responded');
    expect(await ask('Rome?')).toBe('tok1 tok2 tok3 tok4 tok5 tok6 tok7 tok8');
    fake.reset();
    expect(await ask('Tokyo?')).toBe('tok1 tok2 tok3 tok4 tok5 tok6 tok7 tok8');
  });
});

describe('fake Anthropic provider: tools', () => {
  let fake: FakeProviderServer;
  let client: anthropic.Anthropic;
  const request = {
    model: 'claude-fake',
    max_tokens: 100,
    messages: [{ role: 'user' as const, content: QUESTION }],
    tools: [
      {
        name: 'get_weather',
        input_schema: SCHEMA as anthropic.Anthropic.Tool.InputSchema,
      },
    ],
  };

  beforeAll(async () => {
    fake = await startFakeProvider('anthropic');
    client = new anthropic.Anthropic({ baseURL: fake.url, apiKey: 'test', maxRetries: 0 });
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  it('streams tool_use blocks the SDK accumulator parses, the same as the whole message', async () => {
    fake.script(
      { type: 'ok', text: 'Checking.', toolCalls: CALLS },
      { type: 'ok', text: 'Checking.', toolCalls: CALLS },
    );
    const streamed = await client.messages.stream(request).finalMessage();
    const whole = await client.messages.create(request);
    for (const message of [streamed, whole]) {
      expect(message.stop_reason).toBe('tool_use');
      expect(message.content).toEqual([
        expect.objectContaining({ type: 'text', text: 'Checking.' }),
        expect.objectContaining({
          type: 'tool_use',
          name: 'get_weather',
          input: { city: 'Paris' },
        }),
        expect.objectContaining({
          type: 'tool_use',
          id: 'given-id',
          input: { city: 'Tokyo', days: [1, 2] },
        }),
      ]);
      expect(message.usage).toMatchObject({ input_tokens: INPUT, output_tokens: 1 + CALL_TOKENS });
    }
    expect(fake.stats.outputTokens).toBe(2 * (1 + CALL_TOKENS));
  });

  it('refuses a tool_result that answers no tool_use of the turn before', async () => {
    const error = await client.messages
      .create({
        ...request,
        messages: [
          {
            role: 'user',
            content: [{ type: 'tool_result', tool_use_id: 'toolu_x', content: 'x' }],
          },
        ],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(anthropic.BadRequestError);
    expect(fake.stats.inputTokens).toBe(0);
  });
});

describe('fake Ollama provider: tools', () => {
  let fake: FakeProviderServer;
  let client: Ollama;
  const request = {
    model: 'llama-fake',
    messages: [{ role: 'user', content: QUESTION }],
    tools: [{ type: 'function', function: { name: 'get_weather', parameters: SCHEMA } }],
  };

  beforeAll(async () => {
    fake = await startFakeProvider('ollama');
    client = new Ollama({ host: fake.url });
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  it('sends the calls whole (arguments as objects) in one stream chunk and in the message', async () => {
    fake.script({ type: 'ok', toolCalls: CALLS }, { type: 'ok', toolCalls: CALLS });
    const expected = [
      { function: { index: 0, name: 'get_weather', arguments: { city: 'Paris' } } },
      { function: { index: 1, name: 'get_weather', arguments: { city: 'Tokyo', days: [1, 2] } } },
    ];
    const parts = [];
    for await (const part of await client.chat({ ...request, stream: true })) parts.push(part);
    expect(parts.filter((p) => p.message.tool_calls).map((p) => p.message.tool_calls)).toEqual([
      expected,
    ]);
    const whole = await client.chat({ ...request, stream: false });
    expect(whole.message.tool_calls).toEqual(expected);
    for (const done of [parts.at(-1)!, whole]) {
      expect(done).toMatchObject({ prompt_eval_count: INPUT, eval_count: CALL_TOKENS });
    }
  });

  it('counts images as input (85 each)', async () => {
    await client.chat({
      model: 'llama-fake',
      stream: false,
      messages: [{ role: 'user', content: 'what is this', images: ['aGVsbG8=', 'aGk='] }],
    });
    expect(fake.stats.inputTokens).toBe(countInputTokens(['what is this'], 2));
    expect(fake.stats.inputTokens).toBe(3 + 2 * 85);
  });
});
