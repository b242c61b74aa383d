import { ProviderError, createAdapter, type ProviderAdapter } from '@switchboard/llm';
import {
  adapterCall as call,
  runCall as run,
  type CallMode as Mode,
} from '../support/adapter-calls';
import {
  countInputTokens,
  startFakeProvider,
  type FakeKind,
  type FakeProviderServer,
} from '../support/fake-providers';

// Structured output (json_schema, json_object) and images through the three adapters'
// official SDKs, against the fake providers: what reaches the wire, what comes back.

const QUESTION = 'What is the answer?';
const PNG = Buffer.from('fake png bytes').toString('base64');

const usageOfCall = (fake: FakeProviderServer, i: number) => ({
  inputTokens: fake.calls[i].inputTokens,
  outputTokens: fake.calls[i].outputTokens,
  cachedInputTokens: 0,
});

describe.each<FakeKind>(['openai', 'anthropic', 'ollama'])(
  '%s adapter formats and images',
  (kind) => {
    let fake: FakeProviderServer;
    let adapter: ProviderAdapter;

    beforeAll(async () => {
      fake = await startFakeProvider(kind);
      adapter = createAdapter({ name: `fake-${kind}`, kind, baseURL: fake.url, apiKey: 'k' });
    });
    afterAll(() => fake.close());
    beforeEach(() => fake.reset());

    describe.each<Mode>(['chat', 'stream'])('structured output (%s)', (mode) => {
      const schema = {
        type: 'object',
        properties: { answer: { type: 'number' } },
        required: ['answer'],
      };

      it('sends a json_schema format and returns the JSON text', async () => {
        fake.respond(() => ({ type: 'ok', json: { answer: 42 } }));
        const result = await run(
          adapter,
          mode,
          call([{ role: 'user', content: QUESTION }], {
            responseFormat: { type: 'json_schema', name: 'answer', schema, strict: true },
          }),
        );
        expect(JSON.parse(result.text)).toEqual({ answer: 42 });
        expect(result.usage).toEqual(usageOfCall(fake, 0));
        const body = fake.received[0].body;
        if (kind === 'openai') {
          expect(body.response_format).toEqual({
            type: 'json_schema',
            json_schema: { name: 'answer', schema, strict: true },
          });
        }
        if (kind === 'anthropic')
          expect(body.output_config).toEqual({ format: { type: 'json_schema', schema } });
        if (kind === 'ollama') expect(body.format).toEqual(schema);
      });

      it('sends json_object, or refuses it where the provider has no such mode', async () => {
        fake.respond(() => ({ type: 'ok', json: { ok: true } }));
        const c = call([{ role: 'user', content: QUESTION }], {
          responseFormat: { type: 'json_object' },
        });
        if (kind === 'anthropic') {
          const error = await run(adapter, mode, c).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(ProviderError);
          expect(error).toMatchObject({ kind: 'bad_request', retryable: false });
          expect(fake.received).toHaveLength(0);
          return;
        }
        expect(JSON.parse((await run(adapter, mode, c)).text)).toEqual({ ok: true });
        const body = fake.received[0].body;
        if (kind === 'openai') expect(body.response_format).toEqual({ type: 'json_object' });
        if (kind === 'ollama') expect(body.format).toBe('json');
      });
    });

    it('sends images the provider way and counts them as input', async () => {
      const url = 'https://example.com/cat.png';
      const parts = [
        { type: 'text' as const, text: 'What is in these pictures?' },
        ...(kind === 'ollama' ? [] : [{ type: 'image' as const, url }]),
        { type: 'image' as const, data: PNG, mediaType: 'image/png' as const },
      ];
      const result = await adapter.chat(call([{ role: 'user', content: parts }]));
      expect(result.usage.inputTokens).toBe(
        countInputTokens(['What is in these pictures?'], parts.length - 1),
      );
      const content = fake.received[0].body.messages[0];
      if (kind === 'openai') {
        expect(content.content).toEqual([
          { type: 'text', text: 'What is in these pictures?' },
          { type: 'image_url', image_url: { url } },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
        ]);
      }
      if (kind === 'anthropic') {
        expect(content.content).toEqual([
          { type: 'text', text: 'What is in these pictures?' },
          { type: 'image', source: { type: 'url', url } },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
        ]);
      }
      if (kind === 'ollama') {
        expect(content).toEqual({
          role: 'user',
          content: 'What is in these pictures?',
          images: [PNG],
        });
        // Ollama takes no image URLs: refused before anything is sent, without failover.
        const byUrl = call([{ role: 'user', content: [{ type: 'image', url }] }]);
        const error = await adapter.chat(byUrl).catch((e: unknown) => e);
        expect(error).toMatchObject({ kind: 'bad_request', retryable: false });
        expect(fake.received).toHaveLength(1);
      }
    });
  },
);
