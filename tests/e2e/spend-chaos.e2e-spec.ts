import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { byteBound } from '@switchboard/llm';
import Redis from 'ioredis';
import type { AppProcess } from '../support/app-process';
import { startFakeProvider, type FakeProviderServer } from '../support/fake-providers';
import { createTenant, httpClient, type Http } from '../support/http-client';
import { fakeModel, fakeProvider } from '../support/router-kit';
import { queryEnv } from '../support/store-probe';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { TEST_REDIS_URL } from '../support/test-services';
import { startApi, startWorker, stopAll, submitJob, waitUntil } from '../support/worker-kit';

jest.setTimeout(420_000);

// Spend integrity under SIGKILL: 2,000 chat jobs while worker processes are killed five times
// with jobs in flight, checked against what the fake provider served, call by call. The fake
// model costs 1 µ$ per input token and 2 µ$ per output token.
const JOBS = 2_000;
const KILLS = 5;
const MAX_TOKENS = 8;
const prompt = (i: number) => `chaos ${i} a b c`;
const worstOf = (text: string) => byteBound([text]) + 2 * MAX_TOKENS;
const costOf = (call: { inputTokens: number; outputTokens: number }) =>
  call.inputTokens + 2 * call.outputTokens;

interface Row {
  job_id: string;
  outcome: string;
  cost_micros: string;
  invocation_id: string | null;
}

describe('spend integrity when workers are killed (SIGKILL chaos)', () => {
  let env: TestEnv;
  let http: Http;
  let fake: FakeProviderServer;
  let redis: Redis;
  const apps: AppProcess[] = [];
  const workers: AppProcess[] = [];

  beforeAll(async () => {
    fake = await startFakeProvider('openai', { tokensPerResponse: MAX_TOKENS, tokenDelayMs: 1 });
    const catalogue = join(tmpdir(), `chaos-catalogue-${process.pid}-${Date.now()}.json`);
    writeFileSync(
      catalogue,
      JSON.stringify({
        version: 1,
        providers: [fakeProvider('x', fake)],
        models: [fakeModel('x', 'x-model', [1])],
      }),
    );
    env = await createTestEnv({
      LLM_CATALOGUE_FILE: catalogue,
      LLM_HEALTH_INTERVAL_MS: '600000',
      LLM_INVOCATION_FLUSH_MS: '20',
      LLM_INVOCATION_CLAIM_IDLE_MS: '1000',
      BUDGET_POOL_CACHE_MS: '0',
      BUDGET_RESERVATION_TTL_MS: '3000',
      BUDGET_RECONCILE_INTERVAL_MS: '500',
      WORKER_LOCK_DURATION_MS: '2000',
      WORKER_STALLED_INTERVAL_MS: '1000',
      WORKER_MAX_STALLED_COUNT: '50',
      WORKER_POOLS: 'agent.chat.t1:20',
      RATE_LIMIT_PER_MINUTE: '1000000',
    });
    redis = new Redis(TEST_REDIS_URL);
    apps.push(await startApi(env.env));
    for (let i = 0; i < 2; i++) workers.push(await startWorker(env.env));
    http = httpClient(`http://127.0.0.1:${env.env.API_PORT}`);
  });

  afterAll(async () => {
    await stopAll([...apps, ...workers]);
    redis?.disconnect();
    await fake?.close();
    await env?.cleanup();
  });

  const finished = async (ids: string[]) =>
    Number(
      (
        await queryEnv<{ n: string }>(
          env,
          `SELECT count(*) AS n FROM jobs WHERE id = ANY($1::uuid[]) AND status = 'completed'`,
          [ids],
        )
      )[0].n,
    );

  it('loses no job, logs every call once, records all spend and pays no answered call twice', async () => {
    const { key, tenantId } = await createTenant(http, 'chaos');
    const pool = await http('POST', '/v1/budgets', {
      admin: true,
      body: { scope: 'tenant', tenantId, period: 'daily', limitMicros: 1_000_000_000 },
    });
    expect(pool.status).toBe(201);

    const ids: string[] = [];
    const promptOf = new Map<string, string>();
    const submitting = (async () => {
      for (let start = 0; start < JOBS; start += 100) {
        const batch = await Promise.all(
          Array.from({ length: 100 }, (_, k) => {
            const text = prompt(start + k);
            const body = {
              role: 'chat',
              tier: 1,
              input: { messages: [{ role: 'user', content: text }], maxTokens: MAX_TOKENS },
            };
            return submitJob(http, key, body).then((id) => (promptOf.set(id, text), id));
          }),
        );
        ids.push(...batch);
      }
    })();

    // Kill a worker with jobs in flight each time another slice of the jobs is done.
    for (let kill = 0; kill < KILLS; kill++) {
      const target = Math.round(((kill + 1) * JOBS) / (KILLS + 2));
      await waitUntil(async () => (await finished(ids)) >= target, `${target} jobs done`, 180_000);
      const victim = workers.splice(kill % workers.length, 1)[0];
      await victim.kill();
      workers.push(await startWorker(env.env));
    }
    await submitting;
    expect(ids).toHaveLength(JOBS);

    // 1. Every accepted job completes.
    await waitUntil(async () => (await finished(ids)) === JOBS, 'every job to complete', 240_000);

    // Every reservation settled or charged, and every row drained into Postgres.
    const prefix = env.env.QUEUE_PREFIX;
    await waitUntil(
      async () =>
        (await redis.zcard(`${prefix}:budget:reservations`)) === 0 &&
        (await redis.xlen(`${prefix}:ledger:invocations`)) === 0,
      'the ledger to drain',
      60_000,
    );
    const rows = await queryEnv<Row>(
      env,
      `SELECT job_id, outcome, cost_micros, invocation_id FROM llm_invocations
        WHERE tenant_id = $1`,
      [tenantId],
    );
    expect(rows.every((r) => r.invocation_id !== null)).toBe(true);

    const rowsOf = new Map<string, Row[]>();
    for (const row of rows) rowsOf.set(row.job_id, [...(rowsOf.get(row.job_id) ?? []), row]);
    const callsOf = new Map<string, typeof fake.calls>();
    for (const call of fake.calls)
      callsOf.set(call.prompt, [...(callsOf.get(call.prompt) ?? []), call]);

    let lostRows = 0;
    let rerun = 0;
    for (const id of ids) {
      const text = promptOf.get(id)!;
      const mine = rowsOf.get(id) ?? [];
      const calls = callsOf.get(text) ?? [];
      const lost = mine.filter((r) => r.outcome === 'lost');
      const real = mine.filter((r) => r.outcome !== 'lost');
      lostRows += lost.length;
      if (calls.length > 1) rerun++;
      // 4. No answered call paid twice: one answered call per job in our log, and every
      // further call the provider completed belongs to a run we had lost.
      expect({ id, ok: real.filter((r) => r.outcome === 'ok').length }).toEqual({ id, ok: 1 });
      const completed = calls.filter((c) => c.completed).length;
      expect(completed - 1).toBeLessThanOrEqual(lost.length);
      // 2. Every provider call has one row: a real one, or the lost one of a dead process
      // (which may also stand for a call that died before reaching the provider).
      expect(real.length).toBeLessThanOrEqual(calls.length);
      expect(calls.length).toBeLessThanOrEqual(mine.length);
      // 3. The log's cost is the provider's ground truth; a lost call is charged at its worst
      // case, which covers whatever the provider served it.
      const served = calls.reduce((sum, c) => sum + costOf(c), 0);
      const realCost = real.reduce((sum, r) => sum + Number(r.cost_micros), 0);
      if (lost.length === 0) {
        expect({ id, cost: realCost }).toEqual({ id, cost: served });
      } else {
        expect(lost.every((r) => Number(r.cost_micros) === worstOf(text))).toBe(true);
        expect(served - realCost).toBeGreaterThanOrEqual(0);
        expect(served - realCost).toBeLessThanOrEqual(lost.length * worstOf(text));
      }
    }
    // The kills landed on calls in flight: some were lost and run again.
    expect(lostRows).toBeGreaterThan(0);
    expect(rerun).toBeGreaterThan(0);

    // The budget and the log agree on the money.
    const status = await http<{ data: { spentMicros: number; reservedMicros: number }[] }>(
      'GET',
      '/v1/budgets/status',
      { key },
    );
    const logged = rows.reduce((sum, r) => sum + Number(r.cost_micros), 0);
    expect(status.body.data[0]).toMatchObject({ spentMicros: logged, reservedMicros: 0 });
    console.log(
      `chaos: ${JOBS} jobs, ${KILLS} kills, ${fake.calls.length} provider calls, ` +
        `${rows.length} rows (${lostRows} lost), ${rerun} jobs re-run`,
    );
  });
});
