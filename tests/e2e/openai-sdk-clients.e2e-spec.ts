import { createOpenAI } from '@ai-sdk/openai';
import { AIMessage, AIMessageChunk, HumanMessage, ToolMessage } from '@langchain/core/messages';
import { tool as langchainTool } from '@langchain/core/tools';
import { ChatOpenAI } from '@langchain/openai';
import { Output, generateText, stepCountIs, streamText, tool } from 'ai';
import { z } from 'zod';
import { callsToolsThenAnswers, toolResults, useToolsPlatform } from '../support/openai-tools-kit';

jest.setTimeout(120_000);

// Client libraries that speak OpenAI's chat completions, unchanged against Switchboard's
// OpenAI-compatible front door: LangChain's ChatOpenAI (bindTools, invoke and stream) and the
// Vercel AI SDK (the `chat` model of @ai-sdk/openai, so chat completions rather than the
// Responses API: generateText with tools and a multi-step run, streamText, structured output).
// The upstream is a fake OpenAI server whose model calls tools.
describe('OpenAI-compatible API: LangChain and the AI SDK', () => {
  const p = useToolsPlatform();
  const oslo = { name: 'get_weather', arguments: { city: 'Oslo' } };
  const rome = { name: 'get_weather', arguments: { city: 'Rome' } };
  const citySchema = z.object({ city: z.string().describe('a city name') });

  beforeEach(() => p.x.reset());

  describe('LangChain ChatOpenAI', () => {
    const chat = () =>
      new ChatOpenAI({
        model: 'tier-1',
        apiKey: p.key,
        configuration: { baseURL: p.baseURL },
        maxRetries: 0,
      });
    const weather = () =>
      langchainTool(({ city }) => (city === 'Oslo' ? 'rain' : 'sun'), {
        name: 'get_weather',
        description: 'The weather in a city',
        schema: citySchema,
      });

    it('bindTools + invoke: tool_calls parsed, the result sent back, the answer read', async () => {
      p.x.respond(callsToolsThenAnswers([oslo, rome], 'Rain in Oslo, sun in Rome.'));
      const getWeather = weather();
      const model = chat().bindTools([getWeather]);
      const question = new HumanMessage('Weather in Oslo and Rome?');
      const first = await model.invoke([question]);
      expect(first.tool_calls).toEqual([
        expect.objectContaining({ name: 'get_weather', args: { city: 'Oslo' }, type: 'tool_call' }),
        expect.objectContaining({ name: 'get_weather', args: { city: 'Rome' }, type: 'tool_call' }),
      ]);
      expect(first.response_metadata).toMatchObject({ finish_reason: 'tool_calls' });
      expect(p.x.received.at(-1)!.body.tools).toEqual([
        expect.objectContaining({
          type: 'function',
          function: expect.objectContaining({
            name: 'get_weather',
            parameters: expect.objectContaining({ required: ['city'] }),
          }),
        }),
      ]);
      const results: ToolMessage[] = [];
      for (const call of first.tool_calls!) results.push(await getWeather.invoke(call));
      const final = await model.invoke([question, first, ...results]);
      expect(final.content).toBe('Rain in Oslo, sun in Rome.');
      expect(final.tool_calls).toEqual([]);
      expect(toolResults(p.x.received.at(-1)!).map((m) => m.content)).toEqual(['rain', 'sun']);
      expect(final.usage_metadata).toMatchObject({
        input_tokens: p.x.calls.at(-1)!.inputTokens,
        output_tokens: p.x.calls.at(-1)!.outputTokens,
      });
    });

    it('bindTools + stream: tool call chunks add up to the calls', async () => {
      p.x.script({ type: 'ok', toolCalls: [oslo, rome] });
      const model = chat().bindTools([weather()], { tool_choice: 'required' });
      let whole: AIMessageChunk | undefined;
      let chunks = 0;
      for await (const chunk of await model.stream([new HumanMessage('Weather?')])) {
        whole = whole ? whole.concat(chunk) : chunk;
        chunks++;
      }
      expect(chunks).toBeGreaterThan(3);
      expect(whole!.tool_calls).toEqual([
        expect.objectContaining({ name: 'get_weather', args: { city: 'Oslo' } }),
        expect.objectContaining({ name: 'get_weather', args: { city: 'Rome' } }),
      ]);
      expect(whole!.tool_calls!.map((c) => c.id)).toEqual([
        expect.stringMatching(/^call_/),
        expect.stringMatching(/^call_/),
      ]);
      expect(whole!.response_metadata).toMatchObject({ finish_reason: 'tool_calls' });
      expect(p.x.received.at(-1)!.body.tool_choice).toBe('required');
    });

    it('withStructuredOutput (json_schema) parses the answer', async () => {
      p.x.script({ type: 'ok', json: { city: 'Oslo' } });
      const structured = chat().withStructuredOutput(citySchema, {
        name: 'city',
        method: 'jsonSchema',
      });
      expect(
        await structured.invoke([new AIMessage('ok'), new HumanMessage('Which city?')]),
      ).toEqual({ city: 'Oslo' });
      expect(p.x.received.at(-1)!.body.response_format).toMatchObject({
        type: 'json_schema',
        json_schema: { name: 'city' },
      });
    });
  });

  describe('Vercel AI SDK', () => {
    const model = () => createOpenAI({ baseURL: p.baseURL, apiKey: p.key }).chat('tier-1');

    it('generateText with a tool and no execute returns the calls', async () => {
      p.x.script({ type: 'ok', toolCalls: [oslo] });
      const result = await generateText({
        model: model(),
        prompt: 'Weather in Oslo?',
        tools: { get_weather: tool({ description: 'The weather', inputSchema: citySchema }) },
        maxRetries: 0,
      });
      expect(result.finishReason).toBe('tool-calls');
      expect(result.toolCalls).toEqual([
        expect.objectContaining({ toolName: 'get_weather', input: { city: 'Oslo' } }),
      ]);
      expect(result.usage).toMatchObject({
        inputTokens: p.x.stats.inputTokens,
        outputTokens: p.x.stats.outputTokens,
      });
    });

    it('generateText runs several steps with execute until the answer (stopWhen)', async () => {
      p.x.respond(callsToolsThenAnswers([oslo, rome], 'Rain in Oslo, sun in Rome.'));
      const seen: string[] = [];
      const result = await generateText({
        model: model(),
        prompt: 'Weather in Oslo and Rome?',
        tools: {
          get_weather: tool({
            description: 'The weather in a city',
            inputSchema: citySchema,
            execute: ({ city }) => {
              seen.push(city);
              return Promise.resolve({ city, sky: city === 'Oslo' ? 'rain' : 'sun' });
            },
          }),
        },
        stopWhen: stepCountIs(4),
        maxRetries: 0,
      });
      expect(result.text).toBe('Rain in Oslo, sun in Rome.');
      expect(result.steps).toHaveLength(2);
      expect(result.steps[0].finishReason).toBe('tool-calls');
      expect(seen.sort()).toEqual(['Oslo', 'Rome']);
      const sent = toolResults(p.x.received.at(-1)!).map((m): unknown =>
        JSON.parse(m.content as string),
      );
      expect(sent).toEqual([
        { city: 'Oslo', sky: 'rain' },
        { city: 'Rome', sky: 'sun' },
      ]);
      expect(p.x.stats.chatRequests).toBe(2);
    });

    it('streamText with tools streams the input and runs the call', async () => {
      p.x.respond(callsToolsThenAnswers([oslo], 'It rains in Oslo.'));
      const result = streamText({
        model: model(),
        prompt: 'Weather in Oslo?',
        tools: {
          get_weather: tool({
            description: 'The weather in a city',
            inputSchema: citySchema,
            execute: ({ city }) => Promise.resolve(`rain in ${city}`),
          }),
        },
        stopWhen: stepCountIs(3),
        maxRetries: 0,
      });
      const types = new Set<string>();
      let input = '';
      for await (const part of result.fullStream) {
        types.add(part.type);
        if (part.type === 'tool-input-delta') input += part.delta;
        if (part.type === 'error') throw part.error;
      }
      expect(input).toBe('{"city":"Oslo"}');
      expect([...types]).toEqual(
        expect.arrayContaining([
          'tool-input-start',
          'tool-input-delta',
          'tool-call',
          'tool-result',
          'text-delta',
        ]),
      );
      expect(await result.text).toBe('It rains in Oslo.');
      expect((await result.steps)[0].toolCalls).toEqual([
        expect.objectContaining({ toolName: 'get_weather', input: { city: 'Oslo' } }),
      ]);
      expect(toolResults(p.x.received.at(-1)!)[0].content).toBe('rain in Oslo');
    });

    it('structured output (Output.object) goes out as a json_schema response_format', async () => {
      p.x.script({ type: 'ok', json: { city: 'Oslo' } });
      const result = await generateText({
        model: model(),
        prompt: 'Which city?',
        output: Output.object({ schema: citySchema }),
        maxRetries: 0,
      });
      expect(result.output).toEqual({ city: 'Oslo' });
      expect(p.x.received.at(-1)!.body.response_format).toMatchObject({
        type: 'json_schema',
        json_schema: { schema: expect.objectContaining({ required: ['city'] }) },
      });
    });
  });
});
