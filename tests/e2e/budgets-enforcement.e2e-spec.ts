import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppProcess } from '../support/app-process';
import { startFakeProvider, type FakeProviderServer } from '../support/fake-providers';
import { createTenant, httpClient, waitForJob, type Http } from '../support/http-client';
import { byteBound } from '@switchboard/llm';
import { fakeModel, fakeProvider } from '../support/router-kit';
import { queryEnv } from '../support/store-probe';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { startApi, startWorker, stopAll, submitJob, waitUntil } from '../support/worker-kit';

jest.setTimeout(180_000);

// Prices of the fake model: 1 micro-dollar per input token, 2 per output token, so the cost of
// what the fake served is exactly inputTokens + 2 × outputTokens.
const MESSAGE = 'a b c d';
const MAX_TOKENS = 8;
// The catalogue gives these fake models no inputTokenFactor, so budgets reserve input at the
// byte bound, which no byte-level BPE tokenizer exceeds.
const WORST = byteBound([MESSAGE]) + 2 * MAX_TOKENS;

interface PoolStatusBody {
  pool: { id: string };
  spentMicros: number;
  reservedMicros: number;
  remainingMicros: number;
  limitMicros?: number;
}

// Budgets enforced by real worker processes, against a fake OpenAI server's ground truth.
describe('budget enforcement in the worker', () => {
  let env: TestEnv;
  let http: Http;
  let fake: FakeProviderServer;
  /** Streams a token every few milliseconds, so a cut-off lands mid-stream. */
  let slow: FakeProviderServer;
  /** Counts 1.5 input tokens for each of ours (a foreign tokenizer). */
  let foreign: FakeProviderServer;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    fake = await startFakeProvider('openai', { tokensPerResponse: 8 });
    slow = await startFakeProvider('openai', { tokenDelayMs: 5 });
    foreign = await startFakeProvider('openai', { tokensPerResponse: 8, inputTokenFactor: 1.5 });
    const catalogue = join(tmpdir(), `budget-catalogue-${process.pid}-${Date.now()}.json`);
    writeFileSync(
      catalogue,
      JSON.stringify({
        version: 1,
        providers: [
          fakeProvider('x', fake),
          fakeProvider('slow', slow),
          fakeProvider('foreign', foreign),
        ],
        models: [
          fakeModel('x', 'x-model', [1]),
          fakeModel('slow', 'slow-model', [2]),
          fakeModel('foreign', 'foreign-model', [3]),
        ],
      }),
    );
    env = await createTestEnv({
      LLM_CATALOGUE_FILE: catalogue,
      LLM_INVOCATION_FLUSH_MS: '20',
      LLM_HEALTH_INTERVAL_MS: '600000',
      BUDGET_MIN_OUTPUT_TOKENS: '4',
      BUDGET_POOL_CACHE_MS: '0',
      BUDGET_RESERVATION_TTL_MS: '2000',
      BUDGET_RECONCILE_INTERVAL_MS: '500',
      RATE_LIMIT_PER_MINUTE: '1000000',
    });
    apps.push(await startApi(env.env));
    apps.push(await startWorker({ ...env.env, WORKER_POOLS: 'agent.chat.t1:50' }));
    apps.push(
      await startWorker({
        ...env.env,
        WORKER_POOLS: 'agent.chat.t1:50,agent.chat.t2:4,agent.chat.t3:50',
      }),
    );
    http = httpClient(`http://127.0.0.1:${env.env.API_PORT}`);
  });

  afterAll(async () => {
    await stopAll(apps);
    await Promise.all([fake?.close(), slow?.close(), foreign?.close()]);
    await env?.cleanup();
  });

  async function tenantWithPool(name: string, limitMicros: number) {
    const tenant = await createTenant(http, name);
    const pool = await http('POST', '/v1/budgets', {
      admin: true,
      body: { scope: 'tenant', tenantId: tenant.tenantId, period: 'daily', limitMicros },
    });
    expect(pool.status).toBe(201);
    return { ...tenant, poolId: pool.body.id as string };
  }

  async function poolStatus(key: string, poolId: string): Promise<PoolStatusBody> {
    const res = await http<{ data: PoolStatusBody[] }>('GET', '/v1/budgets/status', { key });
    expect(res.status).toBe(200);
    return res.body.data.find((s) => s.pool.id === poolId)!;
  }

  const chatJob = (extra: Record<string, unknown> = {}) => ({
    role: 'chat',
    tier: 1,
    input: { messages: [{ role: 'user', content: MESSAGE }], maxTokens: MAX_TOKENS },
    ...extra,
  });

  it('500 concurrent jobs never spend past a hard limit, and the spend is the served tokens exactly', async () => {
    fake.reset();
    // The worst case the budget reserves for one call: its input bound at 1 µ$ a token, plus
    // 8 output tokens at 2 µ$. The fake counts fewer input tokens (words), so calls cost less.
    const limit = 100 * WORST;
    const { key: k2, poolId: pool } = await tenantWithPool('concurrency', limit);

    const ids: string[] = [];
    for (let batch = 0; batch < 10; batch++) {
      ids.push(
        ...(await Promise.all(Array.from({ length: 50 }, () => submitJob(http, k2, chatJob())))),
      );
    }
    // Watch the job records, not 500 pollers on the API.
    interface JobRow {
      status: string;
      error: { code: string; message: string; retryable: boolean } | null;
      attempts_made: number;
      cost_micros: string;
    }
    const finished = () =>
      queryEnv<JobRow>(
        env,
        `SELECT status, error, attempts_made, cost_micros FROM jobs
          WHERE id = ANY($1::uuid[]) AND status IN ('completed', 'failed')`,
        [ids],
      );
    const jobs = await waitUntil(
      async () => {
        const rows = await finished();
        return rows.length === 500 && rows;
      },
      'all 500 jobs to finish',
      150_000,
    );
    const completed = jobs.filter((j) => j.status === 'completed');
    const refused = jobs.filter((j) => j.status === 'failed');
    // Every call costs at most its worst case, so at least 100 fit.
    expect(completed.length).toBeGreaterThanOrEqual(100);
    for (const job of refused) {
      expect(job.error).toMatchObject({ code: 'BUDGET_EXCEEDED', retryable: false });
      expect(job.attempts_made).toBe(1);
      // Every refusal came when what was left could not cover the call's least cost.
      const [, left, needed] = /has (\d+) micro-dollars left .* needs at least (\d+)/.exec(
        job.error!.message,
      )!;
      expect(Number(left)).toBeLessThan(Number(needed));
    }

    const status = await waitUntil(async () => {
      const s = await poolStatus(k2, pool);
      return s.reservedMicros === 0 ? s : undefined;
    }, 'every reservation settled');
    const groundTruth = fake.stats.inputTokens + 2 * fake.stats.outputTokens;
    expect(status.spentMicros).toBeLessThanOrEqual(limit);
    expect(status.spentMicros).toBe(groundTruth);
    expect(completed.reduce((sum, j) => sum + Number(j.cost_micros), 0)).toBe(groundTruth);
  });

  it('cuts a stream off at its reservation, closes the provider connection and settles the partial usage', async () => {
    const { key, poolId } = await tenantWithPool('cut-off', 40);
    slow.script({ type: 'ok', ignoreMaxTokens: true, text: Array(60).fill('w').join(' ') });
    const id = await submitJob(
      http,
      key,
      chatJob({
        tier: 2,
        input: { messages: [{ role: 'user', content: MESSAGE }], maxTokens: 50 },
      }),
    );
    const job = await waitForJob(http, key, id);
    expect(job.status).toBe('completed');
    expect(job.result.finishReason).toBe('budget_exhausted');
    await slow.waitForAborts(1);
    expect(slow.stats.outputTokens).toBeLessThan(60);
    const rows = await waitUntil(async () => {
      const r = await queryEnv<{ outcome: string; output_tokens: number; cost_micros: string }>(
        env,
        'SELECT outcome, output_tokens, cost_micros FROM llm_invocations WHERE job_id = $1',
        [id],
      );
      return r.length > 0 && r;
    }, 'the invocation row');
    expect(rows[0].outcome).toBe('budget_exhausted');
    expect(rows[0].output_tokens).toBeLessThan(60);
    const status = await waitUntil(async () => {
      const s = await poolStatus(key, poolId);
      return s.reservedMicros === 0 ? s : undefined;
    }, 'the cut-off call settled');
    expect(status.spentMicros).toBe(Number(rows[0].cost_micros));
    expect(status.spentMicros).toBeGreaterThan(0);
    expect(job.result.text.split(' ').length).toBeLessThan(60);
  });

  it('fails a refused job with BUDGET_EXCEEDED, or defers it to the reset under the defer policy', async () => {
    fake.reset();
    // Room for one call's worst case; what is left after it cannot cover another's least.
    const { key, poolId } = await tenantWithPool('defer', WORST + 10);
    const first = await waitForJob(http, key, await submitJob(http, key, chatJob()));
    expect(first.status).toBe('completed');
    const left = (await poolStatus(key, poolId)).remainingMicros;
    expect(left).toBeGreaterThan(0);
    const failed = await waitForJob(http, key, await submitJob(http, key, chatJob()));
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'BUDGET_EXCEEDED' } });
    const deferredId = await submitJob(http, key, chatJob({ budgetPolicy: 'defer' }));
    const deferred = await waitForJob(http, key, deferredId, ['delayed']);
    expect(deferred.error).toMatchObject({ code: 'BUDGET_DEFERRED' });
    expect(deferred.error.message).toMatch(/Deferred until \d{4}-\d\d-\d\dT00:00:00.000Z/);
  });

  it('300 concurrent jobs on a provider counting 1.5× our input never pass a hard limit', async () => {
    foreign.reset();
    const limit = 100 * WORST;
    const { key, poolId } = await tenantWithPool('foreign-tokenizer', limit);
    const ids: string[] = [];
    for (let batch = 0; batch < 6; batch++) {
      ids.push(
        ...(await Promise.all(
          Array.from({ length: 50 }, () => submitJob(http, key, chatJob({ tier: 3 }))),
        )),
      );
    }
    const jobs = await waitUntil(
      async () => {
        const rows = await queryEnv<{ status: string; cost_micros: string }>(
          env,
          `SELECT status, cost_micros FROM jobs
            WHERE id = ANY($1::uuid[]) AND status IN ('completed', 'failed')`,
          [ids],
        );
        return rows.length === ids.length && rows;
      },
      'all 300 jobs to finish',
      150_000,
    );
    expect(jobs.filter((j) => j.status === 'completed').length).toBeGreaterThanOrEqual(100);
    const status = await waitUntil(async () => {
      const s = await poolStatus(key, poolId);
      return s.reservedMicros === 0 ? s : undefined;
    }, 'every reservation settled');
    // The fake billed 1.5× the words as input; the settled spend is exactly what it billed.
    const groundTruth = foreign.stats.inputTokens + 2 * foreign.stats.outputTokens;
    expect(foreign.stats.inputTokens).toBe(Math.ceil(4 * 1.5) * foreign.stats.chatRequests);
    expect(status.spentMicros).toBe(groundTruth);
    expect(status.spentMicros).toBeLessThanOrEqual(limit);
  });

  it("charges a killed worker's call at its worst case and logs it as lost", async () => {
    fake.reset();
    const { key, poolId } = await tenantWithPool('lost-worker', 1_000_000);
    // The provider hangs, so the worker that takes the job holds its reservation; kill it.
    fake.setDefault({ type: 'hang' });
    const id = await submitJob(http, key, chatJob());
    const held = await waitUntil(async () => {
      const s = await poolStatus(key, poolId);
      return s.reservedMicros > 0 ? s : undefined;
    }, 'the reservation');
    expect(held.reservedMicros).toBe(WORST);
    // The worker's start line can come a moment after the reservation: wait for it.
    const holder = await waitUntil(
      async () => apps.slice(1).find((app) => app.output.some((line) => line.includes(id))),
      'the worker holding the job',
    );
    await holder.kill();
    fake.setDefault({ type: 'ok' });
    // The provider may bill the call it served: the expired hold is charged, not returned.
    const charged = await waitUntil(
      async () => {
        const s = await poolStatus(key, poolId);
        return s.reservedMicros === 0 && s.spentMicros > 0 ? s : undefined;
      },
      'the expired reservation to be charged',
      20_000,
    );
    expect(charged.spentMicros).toBe(WORST);
    const lost = await waitUntil(async () => {
      const rows = await queryEnv<{ outcome: string; cost_micros: string; error_class: string }>(
        env,
        `SELECT outcome, cost_micros, error_class FROM llm_invocations
          WHERE job_id = $1 AND outcome = 'lost'`,
        [id],
      );
      return rows.length > 0 && rows;
    }, 'the lost row');
    expect(lost).toEqual([
      { outcome: 'lost', cost_micros: String(WORST), error_class: 'process_lost' },
    ]);
    const costs = await http<{ data: { key: string; costMicros: number }[] }>(
      'GET',
      '/v1/costs?groupBy=outcome',
      { key },
    );
    expect(costs.status).toBe(200);
    expect(costs.body.data.find((row) => row.key === 'lost')?.costMicros).toBe(WORST);
  });
});
