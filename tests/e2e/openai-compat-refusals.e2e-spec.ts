import { APIError, BadRequestError, NotFoundError } from 'openai';
import { openAiError, useOpenAiPlatform, user } from '../support/openai-kit';
import { expectProblem } from '../support/problem-assert';

jest.setTimeout(120_000);

// What the OpenAI-compatible front door refuses, through the official SDK: OpenAI APIs it does
// not offer, prompts over the models' context windows, tool settings OpenAI itself refuses,
// and malformed or oversized bodies. Nothing refused may reach a job, a budget or a provider.
describe('OpenAI-compatible API refusals', () => {
  const p = useOpenAiPlatform();

  let jobsBefore: number;
  const jobCount = async () => {
    const listed = await p.http('GET', '/v1/jobs?limit=100', { key: p.key });
    expect(listed.status).toBe(200);
    return (listed.body.data as unknown[]).length;
  };

  beforeAll(async () => {
    jobsBefore = await jobCount();
  });
  beforeEach(() => {
    p.x.reset();
    p.local.reset();
  });

  describe('OpenAI APIs Switchboard does not offer', () => {
    const readable = (error: APIError, api: RegExp) => {
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error).toMatchObject({
        status: 404,
        type: 'invalid_request_error',
        code: 'unsupported_endpoint',
        param: null,
      });
      // The SDK shows OpenAI's message, not a JSON string it could not read.
      expect(error.message).toMatch(api);
      expect(error.message).toMatch(/POST \/v1\/chat\/completions/);
      expect(error.message).not.toMatch(/[{}]/);
    };

    it('the Responses API is an APIError with a readable message', async () => {
      const error = await openAiError(p.client.responses.create({ model: 'tier-1', input: 'hi' }));
      readable(error, /^404 The Responses API \(POST \/v1\/responses\) is not supported/);
    });

    it('the legacy Completions and the Files APIs too (embeddings are served: openai-embeddings)', async () => {
      readable(
        await openAiError(p.client.completions.create({ model: 'tier-1', prompt: 'hi' })),
        /^404 The legacy Completions API \(POST \/v1\/completions\) is not supported/,
      );
      readable(
        await openAiError(p.client.files.list()),
        /^404 The Files API \(GET \/v1\/files\) is not supported/,
      );
    });

    it('any other /v1 path answers in OpenAI shape, even with a bad body; own resources keep problem+json', async () => {
      const base = `http://127.0.0.1:${p.env.env.API_PORT}`;
      const unknown = await fetch(`${base}/v1/something/new`, {
        headers: { authorization: `Bearer ${p.key}` },
      });
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await unknown.json()).toEqual({
        error: {
          message: expect.stringMatching(/^GET \/v1\/something\/new is not supported/),
          type: 'invalid_request_error',
          param: null,
          code: 'unsupported_endpoint',
        },
      });
      const malformed = await fetch(`${base}/v1/responses`, {
        method: 'POST',
        headers: { authorization: `Bearer ${p.key}`, 'content-type': 'application/json' },
        body: '{"model": ',
      });
      expect(malformed.status).toBe(400);
      expect(await malformed.json()).toMatchObject({ error: { code: 'invalid_json' } });
      const big = await fetch(`${p.strictUrl}/v1/responses`, {
        method: 'POST',
        headers: { authorization: `Bearer ${p.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'tier-1', input: 'x'.repeat(4096) }),
      });
      expect(big.status).toBe(413);
      expect(await big.json()).toMatchObject({ error: { code: 'payload_too_large' } });

      expectProblem(await p.http('GET', '/v1/jobs/x/nothing', { key: p.key }), 404, 'not-found');
      expectProblem(await p.http('POST', '/v1/budgets/x/y', { key: p.key }), 404, 'not-found');
      expectProblem(await p.http('GET', '/nothing', { key: p.key }), 404, 'not-found');
    });
  });

  describe('context windows (every fake model here holds 8,192 tokens)', () => {
    // 9,000 words are at least 9,000 o200k tokens.
    const tooLong = 'word '.repeat(9_000);

    it('an over-long prompt is context_length_exceeded, streaming or not, before any job', async () => {
      for (const stream of [false, true]) {
        const error = await openAiError(
          p.client.chat.completions.create({ model: 'tier-1', messages: user(tooLong), stream }),
        );
        expect(error).toBeInstanceOf(BadRequestError);
        expect(error).toMatchObject({
          status: 400,
          type: 'invalid_request_error',
          param: 'messages',
          code: 'context_length_exceeded',
        });
        const counted = /at least (\d+) tokens/.exec(error.message)?.[1];
        expect(Number(counted)).toBeGreaterThan(8192);
        expect(error.message).toMatch(
          /^400 The largest context window of the models serving 'tier-1' is 8192 tokens\. However, your messages resulted in at least (\d+) tokens/,
        );
      }
    });

    it('a pinned model says its own limit, and max_tokens counts', async () => {
      const error = await openAiError(
        p.client.chat.completions.create({
          model: 'x/x-premium',
          messages: user('word '.repeat(5_000)),
          max_tokens: 4_000,
        }),
      );
      expect(error).toMatchObject({ code: 'context_length_exceeded', param: 'messages' });
      expect(error.message).toMatch(
        /This model's maximum context length is 8192 tokens\. However, you requested at least \d+ tokens \(at least \d+ in the messages, 4000 in the completion\)/,
      );
      // The same prompt fits without the completion asked for.
      const fits = await p.client.chat.completions.create({
        model: 'x/x-premium',
        messages: user('word '.repeat(5_000)),
      });
      expect(fits.choices[0].finish_reason).toBe('stop');
      expect(p.x.stats.chatRequests).toBe(1);
      jobsBefore += 1;
    });

    it('a body near the size limit of text without word breaks is refused as fast as counted', async () => {
      const error = await openAiError(
        p.client.chat.completions.create({
          model: 'tier-1',
          messages: Array.from({ length: 5 }, () => ({
            role: 'user',
            content: 'x'.repeat(180_000),
          })),
        }),
      );
      expect(error).toMatchObject({ code: 'context_length_exceeded' });
    });

    it('created no job and reached no provider', async () => {
      expect(await jobCount()).toBe(jobsBefore);
      expect(p.x.stats.chatRequests + p.local.stats.chatRequests).toBe(0);
    });
  });

  describe('tools as OpenAI checks them', () => {
    it.each([
      ['tools: []', { tools: [] }, 'tools', "[] is too short - 'tools'"],
      [
        'tool_choice without tools',
        { tool_choice: 'auto' },
        'tool_choice',
        "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
      ],
      [
        'tool_choice "none" without tools',
        { tool_choice: 'none' },
        'tool_choice',
        "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
      ],
    ])('%s is a BadRequestError naming the parameter', async (_what, extra, param, message) => {
      const error = await openAiError(
        p.client.chat.completions.create({
          model: 'tier-1',
          messages: user('x'),
          ...extra,
        } as never),
      );
      expect(error).toBeInstanceOf(BadRequestError);
      expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', param });
      expect(error.message).toBe(`400 ${message}`);
      expect(p.x.stats.chatRequests).toBe(0);
    });
  });

  describe('malformed bodies', () => {
    const post = (path: string, body: string, contentType = 'application/json') =>
      fetch(`http://127.0.0.1:${p.env.env.API_PORT}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${p.key}`, 'content-type': contentType },
        body,
      });

    it('nesting deeper than 64 levels is a 400, in OpenAI shape here and problem+json elsewhere', async () => {
      const deep = `{"model": "tier-1", "messages": [], "metadata": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
      const openAi = await post('/v1/chat/completions', deep);
      expect(openAi.status).toBe(400);
      expect(await openAi.json()).toEqual({
        error: {
          message: 'The request body nests objects and arrays more than 64 levels deep.',
          type: 'invalid_request_error',
          param: null,
          code: 'json_too_deep',
        },
      });
      const jobs = await post('/v1/jobs', deep);
      expect(jobs.status).toBe(400);
      expect(jobs.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await jobs.json()).toMatchObject({ code: 'json-too-deep', maxDepth: 64 });
    });

    it('thousands of bad messages or an endless model name are refused on their length', async () => {
      const many = await openAiError(
        p.client.chat.completions.create({
          model: 'tier-1',
          messages: Array.from({ length: 20_000 }, () => ({ role: 'wizard' })),
        } as never),
      );
      expect(many).toMatchObject({ status: 400, param: 'messages', code: 'invalid_value' });
      expect(many.message).toMatch(/500/);
      const named = await openAiError(
        p.client.chat.completions.create({ model: 'm'.repeat(10_000), messages: user('x') }),
      );
      expect(named).toMatchObject({ status: 400, param: 'model', code: 'invalid_value' });
      expect(named.message.length).toBeLessThan(200);
    });

    it('64 levels are still taken', async () => {
      const nested = `${'['.repeat(62)}1${']'.repeat(62)}`;
      const body = `{"model": "tier-1", "messages": [{"role": "user", "content": "x"}], "metadata": {"a": ${nested}}}`;
      const res = await post('/v1/chat/completions', body);
      expect(res.status).toBe(200);
      jobsBefore += 1;
    });
  });
});
