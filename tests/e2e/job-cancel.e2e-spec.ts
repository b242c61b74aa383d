import { jobEventsKey } from '@switchboard/streams';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppProcess } from '../support/app-process';
import { startFakeProvider, type FakeProviderServer } from '../support/fake-providers';
import { createTenant, httpClient, waitForJob, type Http } from '../support/http-client';
import { expectProblem } from '../support/problem-assert';
import { fakeModel, fakeProvider } from '../support/router-kit';
import { bullJobState, queryEnv } from '../support/store-probe';
import { createTestEnv, type TestEnv } from '../support/test-env';
import {
  linesWith,
  startApi,
  startWorker,
  stopAll,
  submitJob,
  waitForStatus,
  waitUntil,
} from '../support/worker-kit';

jest.setTimeout(120_000);

const TOKENS = 400;

// Cancelling running jobs across processes: the API (one process) accepts the cancel, and the
// one of two worker processes that holds the job stops it, aborting the provider's HTTP
// request. A fake OpenAI server streams slowly, so the cancel lands mid-stream.
describe('POST /v1/jobs/:id/cancel on running jobs', () => {
  let env: TestEnv;
  let http: Http;
  let slow: FakeProviderServer;
  let redis: Redis;
  const apps: AppProcess[] = [];
  const workers: AppProcess[] = [];
  let owner: { tenantId: string; key: string };
  let other: { key: string };
  let poolId: string;

  beforeAll(async () => {
    slow = await startFakeProvider('openai', { tokenDelayMs: 25, tokensPerResponse: TOKENS });
    const catalogue = join(tmpdir(), `cancel-catalogue-${process.pid}-${Date.now()}.json`);
    writeFileSync(
      catalogue,
      JSON.stringify({
        version: 1,
        providers: [fakeProvider('slow', slow)],
        models: [fakeModel('slow', 'slow-model', [1])],
      }),
    );
    env = await createTestEnv({
      LLM_CATALOGUE_FILE: catalogue,
      LLM_INVOCATION_FLUSH_MS: '20',
      LLM_HEALTH_INTERVAL_MS: '600000',
      BUDGET_POOL_CACHE_MS: '0',
      WORKER_POOLS: 'agent.chat.t1:4',
    });
    apps.push(await startApi(env.env));
    for (let i = 0; i < 2; i++) workers.push(await startWorker(env.env));
    apps.push(...workers);
    http = httpClient(`http://127.0.0.1:${env.env.API_PORT}`);
    redis = new Redis(env.env.REDIS_URL);
    owner = await createTenant(http, 'canceller');
    other = await createTenant(http, 'bystander');
    const pool = await http('POST', '/v1/budgets', {
      admin: true,
      body: { scope: 'tenant', tenantId: owner.tenantId, period: 'daily', limitMicros: 10_000_000 },
    });
    expect(pool.status).toBe(201);
    poolId = pool.body.id;
  });

  afterAll(async () => {
    await stopAll(apps);
    redis?.disconnect();
    await slow?.close();
    await env?.cleanup();
  });

  beforeEach(() => slow.reset());

  const chatJob = (maxTokens = TOKENS) => ({
    role: 'chat',
    tier: 1,
    input: { messages: [{ role: 'user', content: 'a b c d' }], maxTokens },
  });
  const streamEvents = async (id: string) =>
    (await redis.xrange(jobEventsKey(env.env.QUEUE_PREFIX, id), '-', '+')).map(
      ([, fields]) => JSON.parse(fields[fields.indexOf('d') + 1]) as Record<string, unknown>,
    );
  /** A job streaming right now: some of its tokens have been written by the fake. */
  const streaming = async (key: string) => {
    const id = await submitJob(http, key, chatJob());
    await waitForStatus(http, key, id, 'active');
    await waitUntil(async () => slow.stats.outputTokens >= 5, 'the stream to be under way');
    return id;
  };

  it('stops a streamed job mid-flight: provider request aborted, partial usage settled, cancelled', async () => {
    const id = await streaming(owner.key);

    const res = await http('POST', `/v1/jobs/${id}/cancel`, { key: owner.key });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ id, result: null, error: null });
    // Honest: still running until its worker has stopped it; the cancel is on record.
    expect(['active', 'cancelled']).toContain(res.body.status);
    expect(res.body.cancelRequestedAt).toEqual(expect.any(String));

    await slow.waitForAborts(1, 10_000);
    const job = await waitForJob(http, owner.key, id);
    expect(job).toMatchObject({ status: 'cancelled', result: null, error: null });
    expect(job.finishedAt).toEqual(expect.any(String));
    expect(job.usage.outputTokens).toBeGreaterThan(0);
    expect(job.usage.outputTokens).toBeLessThan(TOKENS);
    expect(job.usage.costMicros).toBeGreaterThan(0);

    const [row, ...more] = await queryEnv<{ outcome: string; output_tokens: number; cost: string }>(
      env,
      'SELECT outcome, output_tokens, cost_micros AS cost FROM llm_invocations WHERE job_id = $1',
      [id],
    );
    expect(more).toEqual([]);
    expect(row.outcome).toBe('cancelled');
    expect(row.output_tokens).toBeGreaterThan(0);
    expect(Number(row.cost)).toBe(job.usage.costMicros);
    // The budget was settled for what the aborted call used, and nothing stays reserved.
    interface PoolStatus {
      pool: { id: string };
      reservedMicros: number;
      spentMicros: number;
    }
    const status = await waitUntil(async () => {
      const r = await http<{ data: PoolStatus[] }>('GET', '/v1/budgets/status', {
        key: owner.key,
      });
      const s = r.body.data.find((p) => p.pool.id === poolId);
      return s?.reservedMicros === 0 && s;
    }, 'the reservation settled');
    expect(status.spentMicros).toBe(job.usage.costMicros);

    // Exactly one worker held it and ended it (it logs that after the record says cancelled);
    // BullMQ will not retry it.
    const endOf = (w: AppProcess) => linesWith(w, `end agent.chat.t1 ${id} attempt 1 cancelled`);
    const ends = await waitUntil(async () => {
      const all = workers.flatMap(endOf);
      return all.length > 0 && all;
    }, 'the end line of the cancelled run');
    expect(ends).toHaveLength(1);
    expect(workers.flatMap((w) => linesWith(w, id, 'attempt 2'))).toEqual([]);
    await waitUntil(
      async () => (await bullJobState(env, 'agent.chat.t1', id)) === 'failed',
      'BullMQ to fail it for good',
    );
    const events = await waitUntil(async () => {
      const all = await streamEvents(id);
      return all.at(-1)?.type === 'end' && all;
    }, 'the end of its event stream');
    expect(events[0]).toMatchObject({ type: 'status', status: 'active' });
    expect(events.filter((e) => e.type === 'token').length).toBeGreaterThan(0);
    expect(events.at(-1)).toEqual({ type: 'end', status: 'cancelled' });

    // Cancelled is final: a second cancel is a conflict, and nothing changes.
    const again = await http('POST', `/v1/jobs/${id}/cancel`, { key: owner.key });
    expectProblem(again, 409, 'job-finished');
    expect(again.body.detail).toContain('cancelled');
  });

  it('cancelling a completed job → 409 job-finished, and its result stays', async () => {
    const id = await submitJob(http, owner.key, chatJob(2));
    const done = await waitForJob(http, owner.key, id);
    expect(done.status).toBe('completed');
    const res = await http('POST', `/v1/jobs/${id}/cancel`, { key: owner.key });
    expectProblem(res, 409, 'job-finished');
    expect(res.body.detail).toContain('completed');
    const read = await http('GET', `/v1/jobs/${id}`, { key: owner.key });
    expect(read.body).toMatchObject({ status: 'completed', result: done.result });
    expect(read.body.cancelRequestedAt).toBeNull();
  });

  it("an unknown job, or another tenant's running job → 404, and that job runs on", async () => {
    expectProblem(
      await http('POST', `/v1/jobs/${randomUUID()}/cancel`, { key: owner.key }),
      404,
      'not-found',
    );
    const id = await streaming(owner.key);
    const res = await http('POST', `/v1/jobs/${id}/cancel`, { key: other.key });
    expectProblem(res, 404, 'not-found');
    expect(res.body.detail).not.toContain('active');
    const read = await http('GET', `/v1/jobs/${id}`, { key: owner.key });
    expect(read.body).toMatchObject({ status: 'active', cancelRequestedAt: null });
    expect(slow.stats.aborted).toBe(0);
    // Its owner can still cancel it.
    expect((await http('POST', `/v1/jobs/${id}/cancel`, { key: owner.key })).status).toBe(202);
    expect((await waitForJob(http, owner.key, id)).status).toBe('cancelled');
  });
});
