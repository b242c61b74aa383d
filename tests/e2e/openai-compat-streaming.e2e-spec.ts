import { loadConfig } from '@switchboard/config';
import { JobEventsPublisher, type JobEvent } from '@switchboard/streams';
import type { Queue } from 'bullmq';
import Redis from 'ioredis';
import OpenAI, { APIError } from 'openai';
import { createTenant } from '../support/http-client';
import { EIGHT, useOpenAiPlatform, user } from '../support/openai-kit';
import { mailboxQueue, waitUntil } from '../support/worker-kit';

jest.setTimeout(120_000);

// Streamed chat completions (OpenAI's chunk format) from the chat job's event stream, with
// real workers over fake OpenAI servers; and what happens when the client goes away.
describe('OpenAI-compatible streaming', () => {
  const p = useOpenAiPlatform();

  beforeEach(() => p.x.reset());

  describe('streaming', () => {
    it('streams chunks from the job: role first, one chunk per token, finish_reason, usage, [DONE]', async () => {
      const { data: stream, response } = await p.client.chat.completions
        .create({
          model: 'tier-1',
          messages: user('stream a b'),
          stream: true,
          stream_options: { include_usage: true },
        })
        .withResponse();
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const jobId = response.headers.get('x-switchboard-job-id')!;
      const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);

      expect(chunks.every((c) => c.id === `chatcmpl-${jobId}` && c.model === 'tier-1')).toBe(true);
      expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
      expect(chunks[0].choices[0].delta.role).toBe('assistant');
      const content = chunks.flatMap((c) => c.choices.map((ch) => ch.delta.content ?? ''));
      expect(content.join('')).toBe(EIGHT);
      // Tokens arrive as the provider sends them, not as one block at the end.
      expect(content.filter((t) => t !== '').length).toBeGreaterThan(1);
      const finish = chunks.filter((c) => c.choices[0]?.finish_reason);
      expect(finish.map((c) => c.choices[0].finish_reason)).toEqual(['stop']);
      const last = chunks.at(-1)!;
      expect(last.choices).toEqual([]);
      expect(last.usage).toEqual({
        prompt_tokens: p.x.stats.inputTokens,
        completion_tokens: p.x.stats.outputTokens,
        total_tokens: p.x.stats.inputTokens + p.x.stats.outputTokens,
      });
      expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    });

    it('sends no usage chunk unless asked, and ends with [DONE]', async () => {
      const port = p.env.env.API_PORT;
      const res = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${p.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'tier-2', messages: user('hi'), stream: true }),
      });
      expect(res.status).toBe(200);
      const events = (await res.text())
        .split('\n\n')
        .filter((e) => e.startsWith('data: '))
        .map((e) => e.slice(6));
      expect(events.at(-1)).toBe('[DONE]');
      const chunks = events
        .slice(0, -1)
        .map((e) => JSON.parse(e) as { usage?: unknown; choices: unknown[] });
      expect(chunks.some((c) => 'usage' in c)).toBe(false);
      expect(chunks.at(-1)?.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    });

    it('a stream that breaks after text ends with an in-stream OpenAI error, which the SDK raises', async () => {
      p.slow.script({ type: 'cut', afterTokens: 3 });
      const stream = await p.client.chat.completions.create({
        model: 'slow-model',
        messages: user('break'),
        stream: true,
      });
      let text = '';
      const error = await (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      })().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(APIError);
      expect(error).toMatchObject({ type: 'server_error', code: 'stream_interrupted' });
      expect(text).toBe('tok1 tok2 tok3');
    });
  });

  describe('a p.client that goes away', () => {
    const LONG = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');

    /** Starts a streamed call on the p.slow model, and aborts it once its job is running. */
    async function leaveWhileRunning(name: string, headers: Record<string, string> = {}) {
      const tenant = await createTenant(p.http, name);
      p.slow.script({ type: 'ok', text: LONG });
      const abort = new AbortController();
      const call = fetch(`http://127.0.0.1:${p.env.env.API_PORT}/v1/chat/completions`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${tenant.key}`,
          'content-type': 'application/json',
          ...headers,
        },
        body: JSON.stringify({ model: 'slow-model', messages: user('long'), stream: true }),
        signal: abort.signal,
      }).then(
        (res) => res.text(),
        () => undefined,
      );
      const job = await waitUntil(async () => {
        const jobs = await p.http<{ data: { id: string; status: string }[] }>('GET', '/v1/jobs', {
          key: tenant.key,
        });
        const running = jobs.body.data[0];
        return running?.status === 'active' && running;
      }, 'the job to run');
      abort.abort();
      await call.catch(() => undefined);
      const status = (s: string) =>
        waitUntil(async () => {
          const res = await p.http<{ status: string; result: { text: string } }>(
            'GET',
            `/v1/jobs/${job.id}`,
            { key: tenant.key },
          );
          return res.body.status === s && res.body;
        }, `job ${job.id} to be ${s}`);
      return { status };
    }

    it('cancels a job nobody can come back for (no Idempotency-Key)', async () => {
      p.slow.reset();
      const { status } = await leaveWhileRunning('leaver');
      await status('cancelled');
      await p.slow.waitForAborts(1);
    });

    it('lets a job with an Idempotency-Key run to its end', async () => {
      p.slow.reset();
      const { status } = await leaveWhileRunning('patient', { 'Idempotency-Key': 'keep-me' });
      const job = await status('completed');
      expect(job.result.text).toBe(LONG);
    });
  });

  // The worker's side played by the test: tier 3 is paused, so no worker takes the job, and
  // the test writes the job's events itself, exactly as the event contract says.
  describe('rendering the job event stream', () => {
    let redis: Redis;
    let events: JobEventsPublisher;
    let tier3: Queue;
    let tenants = 0;

    beforeAll(async () => {
      redis = new Redis(p.env.env.REDIS_URL);
      events = new JobEventsPublisher(redis, loadConfig(p.env.env));
      tier3 = mailboxQueue(p.env, 'agent.chat.t3');
      await tier3.pause();
    });

    afterAll(async () => {
      await tier3?.resume();
      await tier3?.close();
      redis?.disconnect();
    });

    /** A streamed call whose job waits in the paused mailbox; `play` writes its events. */
    async function scripted(body: Record<string, unknown> = {}) {
      const tenant = await createTenant(p.http, `scripted-${++tenants}`);
      const call = p
        .sdk(tenant.key)
        .chat.completions.create({
          model: 'tier-3',
          messages: user('scripted'),
          stream: true,
          ...body,
        })
        .then(async (stream) => {
          let text = '';
          const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
          for await (const chunk of stream) {
            chunks.push(chunk);
            text += chunk.choices[0]?.delta.content ?? '';
          }
          return { text, chunks };
        });
      // The outcome is read once the events are written; keep a rejection from going unheard.
      call.catch(() => undefined);
      const jobId = await waitUntil(async () => {
        const jobs = await p.http<{ data: { id: string }[] }>('GET', '/v1/jobs', {
          key: tenant.key,
        });
        return jobs.body.data[0]?.id;
      }, 'the job of the call');
      const play = async (...script: JobEvent[]) => {
        for (const event of script) {
          if (event.type === 'end') await events.end(jobId, event.status);
          else await events.publish(jobId, event);
        }
      };
      const cancel = () => p.http('POST', `/v1/jobs/${jobId}/cancel`, { key: tenant.key });
      return { call, jobId, play, cancel };
    }

    const result = (text: string, finishReason: string) => ({
      type: 'result' as const,
      result: {
        text,
        finishReason,
        usage: { inputTokens: 5, outputTokens: 3, costMicros: 11 },
        model: 'x-premium',
        provider: 'x',
      },
      usage: { inputTokens: 5, outputTokens: 3, costMicros: 11 },
    });

    it('sends each token event as a chunk, and the result as finish_reason and usage', async () => {
      const { call, play, cancel } = await scripted({ stream_options: { include_usage: true } });
      await play(
        { type: 'status', status: 'active', attempt: 1 },
        { type: 'token', text: 'Hel' },
        { type: 'provider', event: 'failover', from: 'x', to: 'y', reason: '503' },
        { type: 'token', text: 'lo' },
        { type: 'budget', event: 'cut_off', detail: {} },
        { type: 'token', text: ' world' },
        result('Hello world', 'budget_exhausted'),
        { type: 'end', status: 'completed' },
      );
      const { text, chunks } = await call;
      await cancel();
      expect(text).toBe('Hello world');
      const deltas = chunks.flatMap((c) => c.choices.map((ch) => ch.delta.content ?? ''));
      expect(deltas.filter(Boolean)).toEqual(['Hel', 'lo', ' world']);
      // A budget cut-off is OpenAI's `length`.
      expect(chunks.at(-2)?.choices[0].finish_reason).toBe('length');
      expect(chunks.at(-1)?.usage).toEqual({
        prompt_tokens: 5,
        completion_tokens: 3,
        total_tokens: 8,
      });
    });

    it('ends with an in-stream error when the job fails after text', async () => {
      const { call, play, cancel } = await scripted();
      await play(
        { type: 'token', text: 'partial' },
        { type: 'error', error: { message: 'the stream broke', code: 'stream-interrupted' } },
        { type: 'end', status: 'failed' },
      );
      const error = await call.then(
        () => undefined,
        (e: unknown) => e,
      );
      await cancel();
      expect(error).toBeInstanceOf(APIError);
      expect(error).toMatchObject({
        type: 'server_error',
        code: 'stream_interrupted',
        message: expect.stringContaining('the stream broke'),
      });
    });

    it('ends with stream_restarted when a new attempt starts after text', async () => {
      const { call, play, cancel } = await scripted();
      await play(
        { type: 'status', status: 'active', attempt: 1 },
        { type: 'token', text: 'first try' },
        { type: 'status', status: 'active', attempt: 2 },
      );
      const error = await call.then(
        () => undefined,
        (e: unknown) => e,
      );
      await cancel();
      expect(error).toBeInstanceOf(APIError);
      expect(error).toMatchObject({ code: 'stream_restarted' });
    });
  });
});
