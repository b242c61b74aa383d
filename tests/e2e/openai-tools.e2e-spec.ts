import { AuthenticationError, BadRequestError } from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { IMAGE_TOKENS } from '../support/fake-providers';
import { openAiError, user } from '../support/openai-kit';
import {
  WEATHER_PARAMETERS,
  callsToolsThenAnswers,
  toolResults,
  useToolsPlatform,
  weatherTool,
} from '../support/openai-tools-kit';

jest.setTimeout(120_000);

// Tool calling, images and structured output through the OpenAI-compatible front door, driven
// by the official `openai` SDK (plain calls, its stream helper, runTools and parse) against a
// fake OpenAI server whose model calls tools. LangChain and the AI SDK:
// openai-sdk-clients.e2e-spec.ts.
describe('OpenAI-compatible API: tools', () => {
  const p = useToolsPlatform();
  const oslo = { name: 'get_weather', arguments: { city: 'Oslo' } };
  const rome = { name: 'get_weather', arguments: { city: 'Rome', unit: 'c' } };

  beforeEach(() => {
    p.x.reset();
    p.plain.reset();
  });

  const jobOf = async (jobId: string | null): Promise<{ result: unknown }> =>
    (await p.http('GET', `/v1/jobs/${jobId}`, { key: p.key })).body as { result: unknown };

  describe('non-streamed', () => {
    it('answers tool calls with content null and finish_reason tool_calls, passing the controls upstream', async () => {
      p.x.script({ type: 'ok', toolCalls: [{ ...oslo, id: 'call_oslo' }] });
      const { data, response } = await p.client.chat.completions
        .create({
          model: 'tier-1',
          messages: user('Weather in Oslo?'),
          tools: [weatherTool],
          tool_choice: { type: 'function', function: { name: 'get_weather' } },
          parallel_tool_calls: false,
        })
        .withResponse();
      expect(data.choices[0]).toEqual({
        index: 0,
        message: {
          role: 'assistant',
          content: null,
          refusal: null,
          tool_calls: [
            {
              id: 'call_oslo',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
            },
          ],
        },
        logprobs: null,
        finish_reason: 'tool_calls',
      });
      expect(data.usage).toEqual({
        prompt_tokens: p.x.stats.inputTokens,
        completion_tokens: p.x.stats.outputTokens,
        total_tokens: p.x.stats.inputTokens + p.x.stats.outputTokens,
      });
      expect(p.x.received.at(-1)!.body).toMatchObject({
        tools: [
          {
            type: 'function',
            function: {
              name: 'get_weather',
              description: 'The weather in a city',
              parameters: WEATHER_PARAMETERS,
            },
          },
        ],
        tool_choice: { type: 'function', function: { name: 'get_weather' } },
        parallel_tool_calls: false,
      });
      // The job's result has them too.
      const job = await jobOf(response.headers.get('x-switchboard-job-id'));
      expect(job.result).toMatchObject({
        finishReason: 'tool_calls',
        toolCalls: [{ id: 'call_oslo', name: 'get_weather', arguments: '{"city":"Oslo"}' }],
      });
    });

    it('runs a client-side loop: tool call, tool result, final answer', async () => {
      p.x.respond(callsToolsThenAnswers([oslo, rome], 'Rain in Oslo, sun in Rome.'));
      const messages: ChatCompletionMessageParam[] = user('Weather in Oslo and Rome?');
      const first = await p.client.chat.completions.create({
        model: 'tier-1',
        messages,
        tools: [weatherTool],
      });
      const calls = first.choices[0].message.tool_calls!;
      expect(
        calls.map((c): unknown => c.type === 'function' && JSON.parse(c.function.arguments)),
      ).toEqual([{ city: 'Oslo' }, { city: 'Rome', unit: 'c' }]);
      // The assistant message goes back as the SDK gave it (content null), then the results.
      messages.push(first.choices[0].message);
      for (const call of calls) {
        const city = call.type === 'function' && JSON.parse(call.function.arguments).city;
        messages.push({
          role: 'tool',
          tool_call_id: call.id,
          content: city === 'Oslo' ? 'rain' : 'sun',
        });
      }
      const final = await p.client.chat.completions.create({
        model: 'tier-1',
        messages,
        tools: [weatherTool],
      });
      expect(final.choices[0]).toMatchObject({
        message: { role: 'assistant', content: 'Rain in Oslo, sun in Rome.' },
        finish_reason: 'stop',
      });
      expect(final.choices[0].message.tool_calls).toBeUndefined();
      // Upstream saw the conversation in OpenAI's shape.
      const sent = p.x.received.at(-1)!.body.messages;
      expect(sent[1]).toMatchObject({
        role: 'assistant',
        tool_calls: calls.map((c) => ({ id: c.id, type: 'function' })),
      });
      expect(toolResults(p.x.received.at(-1)!)).toEqual([
        expect.objectContaining({ tool_call_id: calls[0].id, content: 'rain' }),
        expect.objectContaining({ tool_call_id: calls[1].id, content: 'sun' }),
      ]);
      expect(p.x.stats.chatRequests).toBe(2);
    });

    it('runTools runs the functions and returns the final answer', async () => {
      p.x.respond(callsToolsThenAnswers([oslo], 'It rains in Oslo.'));
      const seen: unknown[] = [];
      const runner = p.client.chat.completions.runTools({
        model: 'tier-2',
        messages: user('Weather in Oslo?'),
        tools: [
          {
            type: 'function',
            function: {
              name: 'get_weather',
              description: 'The weather in a city',
              parameters: WEATHER_PARAMETERS,
              parse: JSON.parse,
              function: (args: { city: string }) => {
                seen.push(args);
                return { city: args.city, sky: 'rain' };
              },
            },
          },
        ],
      });
      expect(await runner.finalContent()).toBe('It rains in Oslo.');
      expect(seen).toEqual([{ city: 'Oslo' }]);
      expect(JSON.parse(toolResults(p.x.received.at(-1)!)[0].content as string)).toEqual({
        city: 'Oslo',
        sky: 'rain',
      });
    });

    it('takes images by URL and as data: URLs on a vision model', async () => {
      const png = Buffer.from('not really a png').toString('base64');
      const completion = await p.client.chat.completions.create({
        model: 'tier-1',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'what is this' },
              { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
              { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } },
            ],
          },
        ],
      });
      expect(completion.choices[0].finish_reason).toBe('stop');
      expect(p.x.received.at(-1)!.body.messages[0].content).toEqual([
        { type: 'text', text: 'what is this' },
        { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } },
      ]);
      // 3 words and a fixed count per image, as the fake counts.
      expect(completion.usage!.prompt_tokens).toBe(3 + 2 * IMAGE_TOKENS);
    });
  });

  describe('structured output', () => {
    it('parse() with a zod response format gets the parsed object', async () => {
      const Weather = z.object({ city: z.string(), celsius: z.number() });
      p.x.script({ type: 'ok', json: { city: 'Oslo', celsius: 4 } });
      const completion = await p.client.chat.completions.parse({
        model: 'tier-1',
        messages: user('Weather in Oslo as JSON'),
        response_format: zodResponseFormat(Weather, 'weather'),
      });
      expect(completion.choices[0].message.parsed).toEqual({ city: 'Oslo', celsius: 4 });
      expect(p.x.received.at(-1)!.body.response_format).toMatchObject({
        type: 'json_schema',
        json_schema: {
          name: 'weather',
          strict: true,
          schema: { type: 'object', required: ['city', 'celsius'] },
        },
      });
    });

    it('passes json_object through', async () => {
      p.x.script({ type: 'ok', json: { ok: true } });
      const completion = await p.client.chat.completions.create({
        model: 'tier-1',
        messages: user('Answer in JSON'),
        response_format: { type: 'json_object' },
      });
      expect(JSON.parse(completion.choices[0].message.content!)).toEqual({ ok: true });
      expect(p.x.received.at(-1)!.body.response_format).toEqual({ type: 'json_object' });
    });
  });

  describe('streamed', () => {
    const collect = async (stream: AsyncIterable<ChatCompletionChunk>) => {
      const chunks: ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      return chunks;
    };

    /** Every tool call delta in order, and each call's arguments put together. */
    const toolDeltas = (chunks: ChatCompletionChunk[]) => {
      const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
      const args = new Map<number, string>();
      for (const d of deltas)
        args.set(d.index, (args.get(d.index) ?? '') + (d.function?.arguments ?? ''));
      return { deltas, args };
    };

    it('streams parallel calls as OpenAI does: a first delta with id, type, name and empty arguments, then pieces', async () => {
      p.x.script({ type: 'ok', toolCalls: [oslo, rome] });
      const stream = await p.client.chat.completions.create({
        model: 'tier-1',
        messages: user('Weather in Oslo and Rome?'),
        tools: [weatherTool],
        stream: true,
        stream_options: { include_usage: true },
      });
      const chunks = await collect(stream);
      expect(chunks[0].choices[0].delta).toMatchObject({ role: 'assistant' });
      const { deltas, args } = toolDeltas(chunks);
      const starts = deltas.filter((d) => d.id !== undefined);
      expect(starts).toEqual([
        {
          index: 0,
          id: expect.stringMatching(/^call_/),
          type: 'function',
          function: { name: 'get_weather', arguments: '' },
        },
        {
          index: 1,
          id: expect.stringMatching(/^call_/),
          type: 'function',
          function: { name: 'get_weather', arguments: '' },
        },
      ]);
      // Each call starts before its pieces; pieces carry only index and arguments.
      for (const [i, d] of deltas.entries()) {
        if (d.id !== undefined) continue;
        expect(Object.keys(d).sort()).toEqual(['function', 'index']);
        expect(Object.keys(d.function!)).toEqual(['arguments']);
        expect(deltas.slice(0, i).some((s) => s.id !== undefined && s.index === d.index)).toBe(
          true,
        );
      }
      expect([...args.entries()]).toEqual([
        [0, '{"city":"Oslo"}'],
        [1, '{"city":"Rome","unit":"c"}'],
      ]);
      const withChoice = chunks.filter((c) => c.choices.length > 0);
      expect(withChoice.at(-1)!.choices[0]).toMatchObject({
        delta: {},
        finish_reason: 'tool_calls',
      });
      expect(withChoice.slice(0, -1).every((c) => c.choices[0].finish_reason === null)).toBe(true);
      const usage = chunks.at(-1)!;
      expect(usage.choices).toEqual([]);
      expect(usage.usage).toEqual({
        prompt_tokens: p.x.stats.inputTokens,
        completion_tokens: p.x.stats.outputTokens,
        total_tokens: p.x.stats.inputTokens + p.x.stats.outputTokens,
      });
    });

    it('the stream helper assembles the calls into its final completion', async () => {
      p.x.script({ type: 'ok', text: 'Checking.', toolCalls: [oslo] });
      const stream = p.client.chat.completions.stream({
        model: 'tier-1',
        messages: user('Weather in Oslo?'),
        tools: [weatherTool],
      });
      const done: string[] = [];
      stream.on('tool_calls.function.arguments.done', (event) => done.push(event.arguments));
      const final = await stream.finalChatCompletion();
      expect(final.choices[0].message).toMatchObject({
        content: 'Checking.',
        tool_calls: [
          {
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
          },
        ],
      });
      expect(final.choices[0].finish_reason).toBe('tool_calls');
      expect(done).toEqual(['{"city":"Oslo"}']);
    });

    it('streaming runTools loops until the answer', async () => {
      p.x.respond(callsToolsThenAnswers([oslo], 'It rains in Oslo.'));
      const runner = p.client.chat.completions.runTools({
        model: 'tier-1',
        messages: user('Weather in Oslo?'),
        stream: true,
        tools: [
          {
            type: 'function',
            function: {
              name: 'get_weather',
              description: 'The weather in a city',
              parameters: WEATHER_PARAMETERS,
              parse: JSON.parse,
              function: (args: { city: string }) => `rain in ${args.city}`,
            },
          },
        ],
      });
      let text = '';
      runner.on('content', (delta) => (text += delta));
      expect(await runner.finalContent()).toBe('It rains in Oslo.');
      expect(text).toBe('It rains in Oslo.');
      expect(toolResults(p.x.received.at(-1)!)[0].content).toBe('rain in Oslo');
    });

    it('a second stream of a running job (same Idempotency-Key) catches up without repeating a piece', async () => {
      p.slow.reset();
      const city = { city: 'Oslo', unit: 'c', note: 'a rather long argument text' };
      // Text at a token every 150 ms, then the call: the second stream joins during the text.
      p.slow.script({
        type: 'ok',
        text: 'Let me look that up',
        toolCalls: [{ name: 'get_weather', arguments: city }],
      });
      const headers = { 'Idempotency-Key': `tools-join-${Date.now()}` };
      const body = {
        model: 'slow/slow-tools',
        messages: user('Weather in Oslo?'),
        tools: [weatherTool],
        stream: true as const,
      };
      const first = (await p.client.chat.completions.create(body, { headers }))[
        Symbol.asyncIterator
      ]();
      const firstChunks: ChatCompletionChunk[] = [];
      while (!firstChunks.some((c) => c.choices[0]?.delta.content)) {
        const next = await first.next();
        if (next.done) throw new Error('the stream ended before any text');
        firstChunks.push(next.value);
      }
      const second = collect(await p.client.chat.completions.create(body, { headers }));
      for (let next = await first.next(); !next.done; next = await first.next()) {
        firstChunks.push(next.value);
      }
      for (const chunks of [firstChunks, await second]) {
        const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
        expect(text).toBe('Let me look that up');
        const { deltas, args } = toolDeltas(chunks);
        expect(deltas.filter((d) => d.id !== undefined)).toHaveLength(1);
        expect([...args.values()]).toEqual([JSON.stringify(city)]);
        expect(chunks.at(-1)!.choices[0].finish_reason).toBe('tool_calls');
      }
      expect(p.slow.stats.chatRequests).toBe(1);
    });

    it('a replay of a finished tool-call job (same Idempotency-Key) streams each piece once', async () => {
      p.x.script({ type: 'ok', toolCalls: [oslo, rome] });
      const headers = { 'Idempotency-Key': `tools-${Date.now()}` };
      const body = { model: 'tier-1', messages: user('Both cities?'), tools: [weatherTool] };
      const first = await p.client.chat.completions.create(body, { headers });
      for (let round = 0; round < 2; round++) {
        const chunks = await collect(
          await p.client.chat.completions.create({ ...body, stream: true }, { headers }),
        );
        const { deltas, args } = toolDeltas(chunks);
        expect(chunks[0].id).toBe(first.id);
        expect(deltas.filter((d) => d.id !== undefined).map((d) => d.id)).toEqual(
          first.choices[0].message.tool_calls!.map((c) => c.id),
        );
        expect([...args.values()]).toEqual(['{"city":"Oslo"}', '{"city":"Rome","unit":"c"}']);
        expect(chunks.at(-1)!.choices[0].finish_reason).toBe('tool_calls');
      }
      expect(p.x.stats.chatRequests).toBe(1);
    });
  });

  describe('refusals', () => {
    let jobsBefore: number;
    const jobCount = async () => {
      const listed = await p.http('GET', '/v1/jobs?limit=100', { key: p.key });
      return (listed.body.data as unknown[]).length;
    };
    beforeAll(async () => {
      jobsBefore = await jobCount();
    });

    const refused = async (body: object, param: string, code: string) => {
      const error = await openAiError(p.client.chat.completions.create(body as never));
      expect(error).toBeInstanceOf(BadRequestError);
      expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', param, code });
      return error;
    };

    it('a tool whose parameters are not JSON Schema is a 400 naming the tool', async () => {
      const error = await refused(
        {
          model: 'tier-1',
          messages: user('x'),
          tools: [
            weatherTool,
            {
              type: 'function',
              function: {
                name: 'broken',
                parameters: { type: 'object', properties: { a: { type: 'rope' } } },
              },
            },
          ],
        },
        'tools[1].function.parameters',
        'invalid_function_parameters',
      );
      expect(error.message).toMatch(/^400 Invalid schema for function 'broken': /);
    });

    it('a tool_choice naming no declared tool is a 400 on tool_choice', async () => {
      const error = await refused(
        {
          model: 'tier-1',
          messages: user('x'),
          tools: [weatherTool],
          tool_choice: { type: 'function', function: { name: 'get_time' } },
        },
        'tool_choice',
        'invalid_value',
      );
      expect(error.message).toMatch(/get_time/);
    });

    it.each([
      ['n=2', { n: 2 }, 'n', 'unsupported_value'],
      [
        'legacy functions',
        { functions: [{ name: 'f', parameters: {} }] },
        'functions',
        'unsupported_parameter',
      ],
      [
        'a custom tool',
        { tools: [{ type: 'custom', custom: { name: 'grep' } }] },
        'tools[0].type',
        'unsupported_value',
      ],
      [
        'a tool result answering no call',
        { messages: [...user('x'), { role: 'tool', tool_call_id: 'call_x', content: 'y' }] },
        'messages[1].tool_call_id',
        'invalid_value',
      ],
      [
        'an audio part',
        {
          messages: [
            {
              role: 'user',
              content: [{ type: 'input_audio', input_audio: { data: 'AA==', format: 'wav' } }],
            },
          ],
        },
        'messages[0].content[0].type',
        'unsupported_value',
      ],
      [
        '129 tools',
        {
          tools: Array.from({ length: 129 }, (_, i) => ({
            type: 'function',
            function: { name: `t${i}` },
          })),
        },
        'tools',
        'invalid_value',
      ],
    ])('%s is a 400 naming the parameter', async (_what, extra, param, code) => {
      await refused({ model: 'tier-1', messages: user('x'), ...extra }, param, code);
    });

    it('a model without tool calling or structured output says so before any job', async () => {
      await refused(
        { model: 'plain-model', messages: user('x'), tools: [weatherTool] },
        'tools',
        'unsupported_parameter',
      );
      const schema = {
        type: 'json_schema',
        json_schema: { name: 'w', schema: WEATHER_PARAMETERS },
      };
      await refused(
        { model: 'tier-3', messages: user('x'), response_format: schema },
        'response_format',
        'unsupported_parameter',
      );
    });

    it('a bad key is a 401 in OpenAI shape, and malformed JSON a 400', async () => {
      const bogus = await openAiError(
        p.client.chat.completions.create(
          { model: 'tier-1', messages: user('x'), tools: [weatherTool] },
          { headers: { Authorization: 'Bearer sb_bogus' } },
        ),
      );
      expect(bogus).toBeInstanceOf(AuthenticationError);
      expect(bogus).toMatchObject({ status: 401, code: 'invalid_api_key' });
      const raw = await fetch(`${p.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${p.key}`, 'content-type': 'application/json' },
        body: '{"model": "tier-1", "messages": [], "tools": [{"type": "function",',
      });
      expect(raw.status).toBe(400);
      expect(await raw.json()).toMatchObject({
        error: { type: 'invalid_request_error', code: 'invalid_json', param: null },
      });
    });

    it('created no job and reached no provider', async () => {
      expect(await jobCount()).toBe(jobsBefore);
      expect(p.x.stats.chatRequests + p.plain.stats.chatRequests).toBe(0);
    });
  });
});
