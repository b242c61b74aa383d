import { AuthenticationError, BadRequestError, NotFoundError, RateLimitError } from 'openai';
import { createTenant } from '../support/http-client';
import { EIGHT, openAiError, useOpenAiPlatform, user } from '../support/openai-kit';
import { expectProblem } from '../support/problem-assert';

jest.setTimeout(120_000);

// The OpenAI-compatible front door, driven by the official SDK: chat completions run as chat
// jobs on real workers against fake OpenAI servers, whose counters are the ground truth.
// Streaming: openai-compat-streaming.e2e-spec.ts.
describe('OpenAI-compatible API', () => {
  const p = useOpenAiPlatform();

  beforeEach(() => p.x.reset());

  describe('non-streaming', () => {
    it('answers a chat.completion with the text and usage the provider served', async () => {
      const { data, response } = await p.client.chat.completions
        .create({ model: 'tier-1', messages: user('say a b c') })
        .withResponse();
      const jobId = response.headers.get('x-switchboard-job-id')!;
      expect(data).toMatchObject({
        id: `chatcmpl-${jobId}`,
        object: 'chat.completion',
        model: 'tier-1',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: EIGHT },
            finish_reason: 'stop',
          },
        ],
      });
      expect(data.created).toBeGreaterThan(1_700_000_000);
      expect(p.x.stats.chatRequests).toBe(1);
      expect(data.usage).toEqual({
        prompt_tokens: p.x.stats.inputTokens,
        completion_tokens: p.x.stats.outputTokens,
        total_tokens: p.x.stats.inputTokens + p.x.stats.outputTokens,
      });
      expect(data.usage!.prompt_tokens).toBe(4);
      // It is a chat job of the tenant, like any other.
      const job = await p.http('GET', `/v1/jobs/${jobId}`, { key: p.key });
      expect(job.body).toMatchObject({
        role: 'chat',
        tier: 1,
        status: 'completed',
        privacy: false,
        streamFailover: 'fail',
      });
    });

    it('pins a catalogue model at the lowest tier it serves, with max_tokens and text parts', async () => {
      const { data, response } = await p.client.chat.completions
        .create({
          model: 'x/x-premium',
          messages: [
            { role: 'system', content: [{ type: 'text', text: 'be brief' }] },
            {
              role: 'user',
              content: [
                { type: 'text', text: 'one two' },
                { type: 'text', text: 'three' },
              ],
            },
          ],
          max_completion_tokens: 3,
        })
        .withResponse();
      expect(data.choices[0]).toMatchObject({
        message: { content: 'tok1 tok2 tok3' },
        finish_reason: 'length',
      });
      expect(data.model).toBe('x/x-premium');
      expect(data.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 3 });
      expect(p.x.received.at(-1)!.body).toMatchObject({ model: 'x-premium', max_tokens: 3 });
      const job = await p.http('GET', `/v1/jobs/${response.headers.get('x-switchboard-job-id')}`, {
        key: p.key,
      });
      expect(job.body.tier).toBe(3);
    });

    it('passes stop strings to the job', async () => {
      const stopped = await p.client.chat.completions.create({
        model: 'x-model',
        messages: user('count'),
        stop: ['tok4'],
      });
      expect(stopped.choices[0].message.content).toMatch(/^tok1 tok2 tok3\s*$/);
      expect(stopped.choices[0].finish_reason).toBe('stop');
    });

    it('replays the same job for the same Idempotency-Key, and keeps the trace id', async () => {
      const headers = {
        'Idempotency-Key': `idem-${Date.now()}`,
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      };
      const body = { model: 'tier-1', messages: user('once only') };
      const first = await p.client.chat.completions.create(body, { headers }).withResponse();
      const again = await p.client.chat.completions.create(body, { headers }).withResponse();
      expect(again.data.id).toBe(first.data.id);
      expect(again.data.choices[0].message.content).toBe(EIGHT);
      expect(p.x.stats.chatRequests).toBe(1);
      // A streamed replay of the finished job gets the same text.
      const stream = await p.client.chat.completions.create({ ...body, stream: true }, { headers });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      expect(text).toBe(EIGHT);
      expect(p.x.stats.chatRequests).toBe(1);
      const jobId = first.response.headers.get('x-switchboard-job-id')!;
      const job = await p.http('GET', `/v1/jobs/${jobId}`, { key: p.key });
      expect(job.body.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    });

    it('runs a private request on p.local models only (X-Switchboard-Privacy)', async () => {
      p.local.reset();
      const privacy = { headers: { 'X-Switchboard-Privacy': 'true' } };
      const { data, response } = await p.client.chat.completions
        .create({ model: 'local-model', messages: user('secret') }, privacy)
        .withResponse();
      expect(data.choices[0].message.content).toBe(EIGHT);
      expect(p.local.stats.chatRequests).toBe(1);
      expect(p.x.stats.chatRequests).toBe(0);
      const job = await p.http('GET', `/v1/jobs/${response.headers.get('x-switchboard-job-id')}`, {
        key: p.key,
      });
      expect(job.body).toMatchObject({ privacy: true, tier: 0 });

      const hosted = await openAiError(
        p.client.chat.completions.create({ model: 'x-model', messages: user('secret') }, privacy),
      );
      expect(hosted).toBeInstanceOf(BadRequestError);
      expect(hosted).toMatchObject({ code: 'model_not_local', param: 'model' });
    });
  });

  describe('models', () => {
    it('lists the tier aliases and the catalogue models, and retrieves one', async () => {
      const ids: string[] = [];
      for await (const model of p.client.models.list()) ids.push(model.id);
      expect(ids).toEqual([
        'tier-0',
        'tier-1',
        'tier-2',
        'tier-3',
        'x/x-model',
        'x/x-premium',
        'local/local-model',
        'down/down-model',
        'slow/slow-model',
      ]);
      expect(await p.client.models.retrieve('tier-2')).toMatchObject({
        id: 'tier-2',
        object: 'model',
        owned_by: 'switchboard',
        tiers: [2],
      });
      expect(await p.client.models.retrieve('x/x-model')).toMatchObject({
        id: 'x/x-model',
        owned_by: 'x',
        tiers: [1, 2],
      });
      const missing = await openAiError(p.client.models.retrieve('nope'));
      expect(missing).toBeInstanceOf(NotFoundError);
      expect(missing.code).toBe('model_not_found');
    });
  });

  describe('errors in OpenAI shape', () => {
    it('a bad or missing key is an AuthenticationError (invalid_api_key)', async () => {
      for (const call of [
        p.sdk('sb_bogus').chat.completions.create({ model: 'tier-1', messages: user('x') }),
        p.sdk('sb_bogus').models.list(),
      ]) {
        const error = await openAiError(call);
        expect(error).toBeInstanceOf(AuthenticationError);
        expect(error).toMatchObject({ status: 401, type: 'invalid_request_error' });
        expect(error.code).toBe('invalid_api_key');
        expect(error.headers?.get('www-authenticate')).toMatch(/^Bearer/);
      }
      const bare = await fetch(`http://127.0.0.1:${p.env.env.API_PORT}/v1/models`);
      expect(bare.status).toBe(401);
      expect(await bare.json()).toMatchObject({ error: { code: 'invalid_api_key' } });
      // Every other route keeps problem+json.
      expectProblem(await p.http('GET', '/v1/providers'), 401, 'missing-api-key');
      expectProblem(await p.http('GET', '/v1/jobs', { key: 'sb_bogus' }), 401, 'invalid-api-key');
    });

    it('an unknown model is a NotFoundError (model_not_found)', async () => {
      const error = await openAiError(
        p.client.chat.completions.create({ model: 'gpt-9', messages: user('x') }),
      );
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error).toMatchObject({
        code: 'model_not_found',
        param: 'model',
        type: 'invalid_request_error',
      });
    });

    it.each([
      ['missing messages', { model: 'tier-1' }, 'messages', 'missing_required_parameter'],
      ['an empty messages list', { model: 'tier-1', messages: [] }, 'messages', 'invalid_value'],
      [
        'a bad role',
        { model: 'tier-1', messages: [{ role: 'wizard', content: 'x' }] },
        'messages[0].role',
        'invalid_value',
      ],
      ['n=2', { model: 'tier-1', messages: user('x'), n: 2 }, 'n', 'unsupported_value'],
      [
        'an image part for models without vision',
        {
          model: 'tier-1',
          messages: [
            { role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://a/b' } }] },
          ],
        },
        'messages',
        'unsupported_value',
      ],
      [
        'an audio part',
        {
          model: 'tier-1',
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
        'a tool without a name',
        { model: 'tier-1', messages: user('x'), tools: [{ type: 'function', function: {} }] },
        'tools[0].function.name',
        'missing_required_parameter',
      ],
      [
        'tools for models without tool calling',
        {
          model: 'tier-1',
          messages: user('x'),
          tools: [{ type: 'function', function: { name: 'f' } }],
        },
        'tools',
        'unsupported_parameter',
      ],
      [
        'a temperature out of range',
        { model: 'tier-1', messages: user('x'), temperature: 3 },
        'temperature',
        'invalid_value',
      ],
      [
        'a max_tokens above the limit',
        { model: 'tier-1', messages: user('x'), max_tokens: 1_000_000 },
        'max_tokens',
        'invalid_value',
      ],
      ['a missing model', { messages: user('x') }, 'model', 'missing_required_parameter'],
    ])('a malformed request (%s) is a BadRequestError', async (_what, body, param, code) => {
      const error = await openAiError(p.client.chat.completions.create(body as never));
      expect(error).toBeInstanceOf(BadRequestError);
      expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', param, code });
      expect(error.message).toEqual(expect.any(String));
    });

    it('malformed JSON is a 400 and an oversized body a 413, both in OpenAI shape', async () => {
      const raw = await fetch(`http://127.0.0.1:${p.env.env.API_PORT}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${p.key}`, 'content-type': 'application/json' },
        body: '{"model": "tier-1", "messages": [',
      });
      expect(raw.status).toBe(400);
      expect(raw.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await raw.json()).toEqual({
        error: {
          message: expect.stringMatching(/not valid JSON/),
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_json',
        },
      });
      const big = await fetch(`${p.strictUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${p.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'tier-1', messages: user('x'.repeat(4096)) }),
      });
      expect(big.status).toBe(413);
      expect(await big.json()).toMatchObject({
        error: { type: 'invalid_request_error', code: 'payload_too_large', param: null },
      });
      // Elsewhere the body parser still answers problem+json.
      const jobs = await fetch(`http://127.0.0.1:${p.env.env.API_PORT}/v1/jobs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${p.key}`, 'content-type': 'application/json' },
        body: '{',
      });
      expect(jobs.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    });

    it('a rate-limited key is a RateLimitError with Retry-After', async () => {
      const limited = p.sdk((await createTenant(p.http, 'limited')).key, `${p.strictUrl}/v1`);
      await limited.models.list();
      await limited.models.list();
      const error = await openAiError(limited.models.list());
      expect(error).toBeInstanceOf(RateLimitError);
      expect(error.code).toBe('rate_limit_exceeded');
      expect(Number(error.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
    });

    it('a job refused by its budget is a 402, streaming or not', async () => {
      const tenant = await createTenant(p.http, 'broke');
      const pool = await p.http('POST', '/v1/budgets', {
        admin: true,
        body: { scope: 'tenant', tenantId: tenant.tenantId, period: 'daily', limitMicros: 5 },
      });
      expect(pool.status).toBe(201);
      const broke = p.sdk(tenant.key);
      const body = { model: 'tier-1', messages: user('too expensive for five micro-dollars') };
      for (const stream of [false, true]) {
        const error = await openAiError(broke.chat.completions.create({ ...body, stream }));
        expect(error).toMatchObject({
          status: 402,
          type: 'insufficient_quota',
          code: 'budget_exceeded',
        });
        expect(error.headers?.get('x-should-retry')).toBe('false');
        expect(error.headers?.get('x-switchboard-job-id')).toEqual(expect.any(String));
      }
      expect(p.x.stats.chatRequests).toBe(0);
    });

    it('a job whose providers all fail is a 503 (providers_exhausted)', async () => {
      const error = await openAiError(
        p.client.chat.completions.create({ model: 'down-model', messages: user('hello') }),
      );
      expect(error).toMatchObject({
        status: 503,
        type: 'server_error',
        code: 'providers_exhausted',
      });
      expect(p.down.stats.chatRequests).toBeGreaterThanOrEqual(1);
    });
  });
});
