import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { z } from 'zod';
import type { LlmMessage, LlmTool, ToolCall } from '../messages/llm-message';
import { ToolCallAssembler } from '../messages/tool-call-assembler';
import { estimateMessageTokens, estimateTokens } from '../token-count';
import { ProviderError } from './provider-error';
import type { ProviderChatCall, ProviderStreamChunk } from './provider.types';
import { SimulatedAdapter } from './simulated.adapter';

const adapter = new SimulatedAdapter('simulated', {
  simulatedLatencyMs: 0,
  simulatedTokensPerSecond: 1_000_000,
});
const ajv = addFormats(new Ajv2020({ strict: false }));

const tool = (name: string, schema: z.ZodType, description?: string): LlmTool => ({
  name,
  description,
  parameters: z.toJSONSchema(schema),
});
const weather = tool(
  'get_weather',
  z.object({ city: z.string().min(1), unit: z.enum(['celsius', 'fahrenheit']).optional() }),
  'Current weather in a city',
);
const search = tool(
  'web_search',
  z.object({ query: z.string().min(3), limit: z.number().int().min(1).max(10).default(5) }),
);
const send = tool(
  'send_email',
  z.object({ to: z.array(z.email()).min(1), subject: z.string().max(60), body: z.string() }),
);
const tools = [weather, search, send];

const ask = (text: string): LlmMessage[] => [
  { role: 'system', content: 'You are a helpful agent.' },
  { role: 'user', content: text },
];
const call = (overrides: Partial<ProviderChatCall>): ProviderChatCall => ({
  model: 'simulated-standard',
  messages: ask('What is the weather in Oslo?'),
  maxTokens: 1_000,
  signal: new AbortController().signal,
  ...overrides,
});

async function collect(c: ProviderChatCall): Promise<ProviderStreamChunk[]> {
  const chunks: ProviderStreamChunk[] = [];
  for await (const chunk of adapter.stream(c)) chunks.push(chunk);
  return chunks;
}

function expectValidArguments(calls: ToolCall[]): void {
  for (const c of calls) {
    const offered = tools.find((t) => t.name === c.name)!;
    const validate = ajv.compile(offered.parameters);
    expect(validate(JSON.parse(c.arguments))).toBe(true);
  }
}

/** Replies to every call with a tool result, as an agent loop does. */
const withResults = (messages: LlmMessage[], calls: ToolCall[]): LlmMessage[] => [
  ...messages,
  { role: 'assistant', content: '', toolCalls: calls },
  ...calls.map((c): LlmMessage => ({
    role: 'tool',
    toolCallId: c.id,
    name: c.name,
    content: '{"ok":true}',
  })),
];

describe('SimulatedAdapter', () => {
  it('answers plain text as before when no tools or format are asked for', async () => {
    const result = await adapter.chat(call({}));
    expect(result.text).toMatch(/^Simulated: /);
    expect(result.toolCalls).toBeUndefined();
    expect(result.finishReason).toBe('stop');
    expect(result.usage.outputTokens).toBe(result.text.split(' ').length - 1);
    expect(await adapter.chat(call({}))).toEqual(result);
  });

  it('calls tools with schema-valid arguments, finish reason tool_calls, tokens counted', async () => {
    const c = call({ tools });
    const result = await adapter.chat(c);
    expect(result.finishReason).toBe('tool_calls');
    expect(result.text).toBe('');
    expect(result.toolCalls!.length).toBeGreaterThanOrEqual(1);
    for (const tc of result.toolCalls!) expect(tc.id).toMatch(/^call_[0-9a-f]{24}$/);
    expectValidArguments(result.toolCalls!);
    const output = result.toolCalls!.reduce(
      (sum, tc) => sum + estimateTokens(tc.name) + estimateTokens(tc.arguments),
      0,
    );
    expect(result.usage.outputTokens).toBe(output);
    expect(result.usage.inputTokens).toBe(estimateMessageTokens(c.messages, tools));
    expect(result.usage.inputTokens).toBeGreaterThan(estimateMessageTokens(c.messages));
  });

  it('streams tool calls as a real provider does; assembled they equal the chat answer', async () => {
    for (const question of ['Weather in Oslo?', 'Find me news', 'Mail the team', 'Plan a trip']) {
      const c = call({ tools, messages: ask(question) });
      const chunks = await collect(c);
      const assembler = new ToolCallAssembler();
      const seen = new Set<number>();
      for (const chunk of chunks) {
        if (chunk.type !== 'tool_call') continue;
        // The first piece of each call carries its id and name; the rest only arguments.
        if (!seen.has(chunk.index))
          expect(chunk).toMatchObject({ id: expect.any(String), name: expect.any(String) });
        else expect(chunk.id ?? chunk.name).toBeUndefined();
        seen.add(chunk.index);
        assembler.push(chunk);
      }
      const pieces = chunks.filter((ch) => ch.type === 'tool_call' && ch.arguments);
      expect(pieces.length).toBeGreaterThan(assembler.size);
      const done = chunks.at(-1)!;
      expect(done).toMatchObject({ type: 'done', finishReason: 'tool_calls' });
      const result = await adapter.chat(c);
      expect(assembler.toolCalls()).toEqual(result.toolCalls);
      expect(done.type === 'done' && done.usage).toEqual(result.usage);
    }
  });

  it('ends a two-turn agent loop with text once the tool results are in', async () => {
    const first = await adapter.chat(call({ tools }));
    expect(first.toolCalls?.length).toBeGreaterThan(0);
    const messages = withResults(ask('What is the weather in Oslo?'), first.toolCalls!);
    const second = await adapter.chat(call({ tools, messages }));
    expect(second.toolCalls).toBeUndefined();
    expect(second.finishReason).toBe('stop');
    expect(second.text).toMatch(/^Simulated: /);
    // A new user question starts a new round of tools.
    const next = [...messages, { role: 'assistant', content: second.text } as LlmMessage];
    next.push({ role: 'user', content: [{ type: 'text', text: 'And tomorrow?' }] });
    expect((await adapter.chat(call({ tools, messages: next }))).finishReason).toBe('tool_calls');
  });

  it("honours toolChoice: 'required' always calls, {name} calls that tool, 'none' never", async () => {
    const first = await adapter.chat(call({ tools }));
    const after = withResults(ask('What is the weather in Oslo?'), first.toolCalls!);
    const required = await adapter.chat(call({ tools, messages: after, toolChoice: 'required' }));
    expect(required.finishReason).toBe('tool_calls');
    for (const question of ['a', 'b', 'c', 'd', 'e', 'f']) {
      const named = await adapter.chat(
        call({ tools, messages: ask(question), toolChoice: { name: 'send_email' } }),
      );
      expect(named.toolCalls!.map((t) => t.name)).toEqual(['send_email']);
      expectValidArguments(named.toolCalls!);
    }
    const none = await adapter.chat(call({ tools, toolChoice: 'none' }));
    expect(none.toolCalls).toBeUndefined();
    expect(none.finishReason).toBe('stop');
    await expect(
      adapter.chat(call({ tools, toolChoice: { name: 'missing' } })),
    ).rejects.toMatchObject({ kind: 'bad_request' });
  });

  it('calls two different tools at once only when parallel calls are allowed', async () => {
    const questions = Array.from({ length: 24 }, (_, i) => `question ${i}`);
    const counts = await Promise.all(
      questions.map(
        async (q) => (await adapter.chat(call({ tools, messages: ask(q) }))).toolCalls!,
      ),
    );
    const pairs = counts.filter((c) => c.length === 2);
    expect(pairs.length).toBeGreaterThan(0);
    expect(counts.every((c) => c.length <= 2)).toBe(true);
    for (const pair of pairs) expect(pair[0].name).not.toBe(pair[1].name);
    for (const q of questions) {
      const single = await adapter.chat(
        call({ tools, messages: ask(q), parallelToolCalls: false }),
      );
      expect(single.toolCalls).toHaveLength(1);
    }
  });

  it('cuts tool calls off at maxTokens with finish reason length', async () => {
    const result = await adapter.chat(call({ tools: [send], maxTokens: 6 }));
    expect(result.finishReason).toBe('length');
    expect(result.usage.outputTokens).toBeLessThanOrEqual(6);
    expect(() => {
      JSON.parse(result.toolCalls![0].arguments);
    }).toThrow();
  });

  it('answers json_object with a JSON object, streamed and not', async () => {
    const c = call({ responseFormat: { type: 'json_object' } });
    const result = await adapter.chat(c);
    expect(JSON.parse(result.text)).toEqual(
      expect.objectContaining({ answer: expect.any(String) }),
    );
    expect(result.usage.outputTokens).toBe(estimateTokens(result.text));
    const deltas = (await collect(c)).filter((ch) => ch.type === 'delta');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((d) => d.type === 'delta' && d.text).join('')).toBe(result.text);
  });

  it('answers json_schema with an instance valid against the schema, streamed and not', async () => {
    const schema = z.toJSONSchema(
      z.object({
        summary: z.string().max(200),
        score: z.number().min(0).max(1),
        tags: z
          .array(z.string().regex(/^[a-z-]+$/))
          .min(1)
          .max(4),
        verdict: z.enum(['approve', 'reject']),
        issues: z.array(z.object({ line: z.number().int().positive(), note: z.string() })),
      }),
    ) as Record<string, unknown>;
    const validate = ajv.compile(schema);
    for (const question of ['review this', 'and this', 'one more']) {
      const c = call({
        messages: ask(question),
        responseFormat: { type: 'json_schema', name: 'review', schema },
      });
      const result = await adapter.chat(c);
      expect(validate(JSON.parse(result.text))).toBe(true);
      expect(result.finishReason).toBe('stop');
      const streamed = (await collect(c))
        .map((ch) => (ch.type === 'delta' ? ch.text : ''))
        .join('');
      expect(streamed).toBe(result.text);
    }
  });

  it('answers the final turn of a tool loop in the requested JSON schema', async () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    const responseFormat = { type: 'json_schema' as const, name: 'answer', schema };
    const first = await adapter.chat(call({ tools, responseFormat }));
    expect(first.finishReason).toBe('tool_calls');
    const messages = withResults(ask('What is the weather in Oslo?'), first.toolCalls!);
    const final = await adapter.chat(call({ tools, responseFormat, messages }));
    expect(JSON.parse(final.text)).toEqual({ city: expect.any(String) });
  });

  it('gives the same answer to the same conversation, whatever its message shapes', async () => {
    const messages: LlmMessage[] = [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look' },
          { type: 'image', url: 'https://x/y.png' },
        ],
      },
    ];
    const a = await adapter.chat(call({ tools, messages }));
    expect(await adapter.chat(call({ tools, messages }))).toEqual(a);
    const other = await adapter.chat(
      call({ tools, messages: [{ role: 'user', content: [{ type: 'text', text: 'Look!' }] }] }),
    );
    expect(other.toolCalls).not.toEqual(a.toolCalls);
  });

  it('fails on request when a content part asks for [[simulate:error]]', async () => {
    const messages: LlmMessage[] = [
      { role: 'user', content: [{ type: 'text', text: 'please [[simulate:error]]' }] },
    ];
    const failure = adapter.chat(call({ tools, messages }));
    await expect(failure).rejects.toBeInstanceOf(ProviderError);
    await expect(failure).rejects.toMatchObject({ kind: 'server', retryable: true });
  });
});
