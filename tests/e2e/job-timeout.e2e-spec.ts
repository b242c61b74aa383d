import { jobEventsKey } from '@switchboard/streams';
import Redis from 'ioredis';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppProcess } from '../support/app-process';
import { startFakeProvider, type FakeProviderServer } from '../support/fake-providers';
import { createTenant, httpClient, waitForJob, type Http } from '../support/http-client';
import { expectProblem } from '../support/problem-assert';
import { fakeModel, fakeProvider } from '../support/router-kit';
import { queryEnv, waitForBullState } from '../support/store-probe';
import { createTestEnv, type TestEnv } from '../support/test-env';
import {
  linesWith,
  startApi,
  startWorker,
  stopAll,
  submitJob,
  waitForLines,
  waitUntil,
} from '../support/worker-kit';

jest.setTimeout(120_000);

/** How long the suite watches a failed job for writes that should never come. */
const QUIET_WINDOW_MS = 1_500;

interface JobRow {
  status: string;
  error: unknown;
  progress: unknown;
  updated_at: Date;
  input_tokens: string;
  output_tokens: string;
  cost_micros: string;
}

// Timeouts that stop work, in real worker processes: the job's own `timeoutMs` aborts the
// provider request (a hang, or a stream in flight), the job fails for good with TIMEOUT, and
// afterwards nothing more is written to its record or its event stream.
describe('job timeouts', () => {
  let env: TestEnv;
  let http: Http;
  let fake: FakeProviderServer;
  let redis: Redis;
  let worker: AppProcess;
  const apps: AppProcess[] = [];
  let key: string;

  beforeAll(async () => {
    fake = await startFakeProvider('openai', { tokenDelayMs: 25, tokensPerResponse: 400 });
    const catalogue = join(tmpdir(), `timeout-catalogue-${process.pid}-${Date.now()}.json`);
    writeFileSync(
      catalogue,
      JSON.stringify({
        version: 1,
        providers: [fakeProvider('f', fake)],
        models: [fakeModel('f', 'f-model', [1])],
      }),
    );
    env = await createTestEnv({
      LLM_CATALOGUE_FILE: catalogue,
      LLM_INVOCATION_FLUSH_MS: '20',
      LLM_HEALTH_INTERVAL_MS: '600000',
      WORKER_POOLS: 'agent.chat.t1:4',
    });
    apps.push(await startApi(env.env));
    worker = await startWorker(env.env);
    apps.push(worker);
    http = httpClient(`http://127.0.0.1:${env.env.API_PORT}`);
    redis = new Redis(env.env.REDIS_URL);
    ({ key } = await createTenant(http, 'timer'));
  });

  afterAll(async () => {
    await stopAll(apps);
    redis?.disconnect();
    await fake?.close();
    await env?.cleanup();
  });

  beforeEach(() => fake.reset());

  const chatJob = (timeoutMs: unknown) => ({
    role: 'chat',
    tier: 1,
    timeoutMs,
    input: { messages: [{ role: 'user', content: 'a b c d' }], maxTokens: 400 },
  });
  const row = async (id: string) =>
    (
      await queryEnv<JobRow>(
        env,
        `SELECT status, error, progress, updated_at, input_tokens, output_tokens, cost_micros
           FROM jobs WHERE id = $1`,
        [id],
      )
    )[0];
  const stream = (id: string) => redis.xrange(jobEventsKey(env.env.QUEUE_PREFIX, id), '-', '+');
  const invocations = (id: string) =>
    queryEnv<{ outcome: string; output_tokens: number }>(
      env,
      'SELECT outcome, output_tokens FROM llm_invocations WHERE job_id = $1',
      [id],
    );

  /** Fails with TIMEOUT for good, then stays exactly as it was while we watch. */
  async function expectTimedOutAndQuiet(id: string): Promise<JobRow> {
    const job = await waitForJob(http, key, id);
    expect(job).toMatchObject({
      status: 'failed',
      timeoutMs: 500,
      error: { code: 'TIMEOUT', retryable: false },
      attempts: { made: 1, max: 3 },
    });
    expect(job.error.message).toContain('500 ms timeout');
    await fake.waitForAborts(1, 10_000);
    const [call, ...more] = await invocations(id);
    expect(more).toEqual([]);
    expect(call.outcome).toBe('cancelled');

    const entries = await waitUntil(async () => {
      const all = await stream(id);
      const last = all.at(-1);
      return last && (JSON.parse(last[1][3]) as { type: string }).type === 'end' && all;
    }, 'the end of its event stream');
    expect(JSON.parse(entries.at(-1)![1][3])).toEqual({ type: 'end', status: 'failed' });
    const before = await row(id);
    await new Promise((r) => setTimeout(r, QUIET_WINDOW_MS));
    expect(await row(id)).toEqual(before);
    expect(await stream(id)).toEqual(entries);
    expect(await invocations(id)).toHaveLength(1);
    expect(fake.stats.chatRequests).toBe(1);
    // Final: BullMQ failed it, and no second attempt ran.
    expect(await waitForBullState(env, 'agent.chat.t1', id, 'failed')).toBe('failed');
    await waitForLines(worker, 1, `end agent.chat.t1 ${id} attempt 1 failed`);
    expect(linesWith(worker, id, 'attempt 2')).toEqual([]);
    expect(linesWith(worker, `end agent.chat.t1 ${id} attempt 1 failed`)).toHaveLength(1);
    return before;
  }

  it('a provider that hangs: the request is aborted and the job fails with TIMEOUT', async () => {
    fake.script({ type: 'hang' });
    const id = await submitJob(http, key, chatJob(500));
    const record = await expectTimedOutAndQuiet(id);
    expect(Number(record.output_tokens)).toBe(0);
  });

  it('a stream still in flight: stopped mid-way, its partial usage on the record', async () => {
    const id = await submitJob(http, key, chatJob(500));
    const record = await expectTimedOutAndQuiet(id);
    const [call] = await invocations(id);
    expect(call.output_tokens).toBeGreaterThan(0);
    expect(Number(record.output_tokens)).toBe(call.output_tokens);
    expect(Number(record.output_tokens)).toBeLessThan(400);
    expect(Number(record.cost_micros)).toBeGreaterThan(0);
    // Its tokens were streamed to clients up to the timeout, and none after the end.
    const types = (await stream(id)).map(([, fields]) => fields[1]);
    expect(types.filter((t) => t === 'token').length).toBeGreaterThan(0);
    expect(types.slice(-2)).toEqual(['error', 'end']);
  });

  it('refuses a timeoutMs outside 100 ms – 1 h, or not an integer: 422 invalid-input', async () => {
    for (const timeoutMs of [99, 3_600_001, 1.5, '500']) {
      const res = await http('POST', '/v1/jobs', { key, body: chatJob(timeoutMs) });
      expectProblem(res, 422, 'invalid-input');
      expect(res.body.errors).toEqual([{ field: 'timeoutMs', message: expect.any(String) }]);
    }
  });
});
