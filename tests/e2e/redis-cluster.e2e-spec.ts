import { loadConfig } from '@switchboard/config';
import { byteBound, ProviderGate } from '@switchboard/llm';
import { createRedisConnection, nodeForKey } from '@switchboard/redis';
import type Redis from 'ioredis';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { AppProcess } from '../support/app-process';
import { startFakeProvider, type FakeProviderServer } from '../support/fake-providers';
import { chatInput, createTenant, httpClient, waitForJob, type Http } from '../support/http-client';
import { createBudgetKit } from '../support/budget-kit';
import { startRedisCluster, type RedisClusterFixture } from '../support/redis-cluster';
import { fakeModel, fakeProvider } from '../support/router-kit';
import { openSse, type SseEvent } from '../support/sse-client';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { TEST_REDIS_URL } from '../support/test-services';
import { startApi, startWorker, stopAll, submitJob, waitUntil } from '../support/worker-kit';

jest.setTimeout(120_000);

const MESSAGE = 'a b c d';
const MAX_TOKENS = 8;
// The fake model costs 1 µ$ per input token and 2 per output token; this is one call's worst case.
const WORST = byteBound([MESSAGE]) + 2 * MAX_TOKENS;
const RATE_LIMIT = 60;

// The platform, unchanged, on a 3-master Redis Cluster: API and worker connect through
// REDIS_CLUSTER_NODES and nothing reaches the standalone Redis at REDIS_URL.
describe('Redis Cluster', () => {
  let cluster: RedisClusterFixture;
  let env: TestEnv;
  let http: Http;
  let fake: FakeProviderServer;
  /** Streams a token every 25 ms, so a job on it is still running when it is cancelled. */
  let slow: FakeProviderServer;
  let redis: Redis;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    fake = await startFakeProvider('openai', { tokensPerResponse: 8 });
    slow = await startFakeProvider('openai', { tokenDelayMs: 25, tokensPerResponse: 2_000 });
    const catalogue = join(tmpdir(), `cluster-catalogue-${process.pid}-${Date.now()}.json`);
    writeFileSync(
      catalogue,
      JSON.stringify({
        version: 1,
        providers: [fakeProvider('x', fake), fakeProvider('slow', slow)],
        models: [fakeModel('x', 'x-model', [1]), fakeModel('slow', 'slow-model', [2])],
      }),
    );
    env = await createTestEnv({
      REDIS_CLUSTER_NODES: cluster.nodes,
      LLM_CATALOGUE_FILE: catalogue,
      LLM_INVOCATION_FLUSH_MS: '20',
      LLM_HEALTH_INTERVAL_MS: '600000',
      BUDGET_MIN_OUTPUT_TOKENS: '4',
      BUDGET_POOL_CACHE_MS: '0',
      RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
    });
    redis = createRedisConnection(loadConfig(env.env).redis);
    apps.push(await startApi(env.env));
    apps.push(await startWorker(env.env));
    http = httpClient(`http://127.0.0.1:${env.env.API_PORT}`);
  });

  afterAll(async () => {
    await stopAll(apps);
    redis?.disconnect();
    await fake?.close();
    await slow?.close();
    await env?.cleanup();
    await cluster?.stop();
  });

  const chatJob = () => ({
    role: 'chat',
    tier: 1,
    input: { messages: [{ role: 'user', content: MESSAGE }], maxTokens: MAX_TOKENS },
  });

  it('runs submitted jobs to completion, with every key on the cluster', async () => {
    const { key } = await createTenant(http, 'cluster-jobs');
    const ids = await Promise.all(Array.from({ length: 6 }, () => submitJob(http, key, chatJob())));
    for (const id of ids) expect((await waitForJob(http, key, id)).status).toBe('completed');

    const prefix = env.env.QUEUE_PREFIX;
    const owner = nodeForKey(redis, `${prefix}:x`)!;
    const [, onCluster] = await owner.scan('0', 'MATCH', `${prefix}*`, 'COUNT', 10_000);
    expect(onCluster.length).toBeGreaterThan(0);
    const standalone = createRedisConnection({ url: TEST_REDIS_URL, prefix, clusterNodes: [] });
    try {
      const [, elsewhere] = await standalone.scan('0', 'MATCH', `${prefix}*`, 'COUNT', 10_000);
      expect(elsewhere).toEqual([]);
    } finally {
      standalone.disconnect();
    }
  });

  it('refuses a job once a hard budget pool is spent', async () => {
    const { key, tenantId } = await createTenant(http, 'cluster-budget');
    const pool = await http('POST', '/v1/budgets', {
      admin: true,
      body: { scope: 'tenant', tenantId, period: 'daily', limitMicros: WORST + 10 },
    });
    expect(pool.status).toBe(201);
    const first = await waitForJob(http, key, await submitJob(http, key, chatJob()));
    expect(first.status).toBe('completed');
    const refused = await waitForJob(http, key, await submitJob(http, key, chatJob()));
    expect(refused).toMatchObject({ status: 'failed', error: { code: 'BUDGET_EXCEEDED' } });
  });

  it('charges expired reservations, at the next reserve and by the sweep, and corrects a late settle', async () => {
    // The budget lib on the cluster, with its own schema and prefix: the sweep reads the
    // expired reservations' names first and passes them to its script in KEYS.
    const kit = await createBudgetKit('redis-cluster-budget', {
      REDIS_CLUSTER_NODES: cluster.nodes,
      BUDGET_POOL_CACHE_MS: '0',
      BUDGET_MIN_OUTPUT_TOKENS: '4',
    });
    try {
      const quote = {
        inputTokens: 100,
        maxTokens: 200,
        prices: { input: 1_000_000, output: 2_000_000, cachedInput: 0 },
      };
      const worst = 500;
      const tenantId = await kit.tenant();
      const pool = await kit.pools.create({
        tenantId,
        scope: 'tenant',
        period: 'daily',
        limitMicros: 100_000,
      });
      const counters = async () => {
        const s = await kit.budget.statusOf(pool);
        return { spent: s.spentMicros, reserved: s.reservedMicros };
      };
      const shortLived = kit.serviceWith(
        loadConfig({ ...kit.env.env, BUDGET_RESERVATION_TTL_MS: '500' }),
      );
      const row = JSON.stringify({ id: 'lost-on-cluster', outcome: 'lost' });
      expect((await shortLived.reserve({ tenantId }, quote, { id: randomUUID(), row })).ok).toBe(
        true,
      );
      await waitUntil(async () => {
        const next = await kit.budget.reserve({ tenantId }, quote);
        if (!next.ok) throw new Error('refused');
        await kit.budget.settle(next.reservation, 0);
        return (await counters()).reserved === 0;
      }, 'the next reserve to charge the expired hold');
      expect(await counters()).toEqual({ spent: worst, reserved: 0 });
      const stream = await kit.redis.xrange(kit.budget.invocationStream, '-', '+');
      expect(stream.some(([, fields]) => fields[1] === row && fields[2] === 'lost')).toBe(true);

      const late = await shortLived.reserve({ tenantId }, quote);
      await shortLived.reserve({ tenantId }, quote);
      let swept = 0;
      await waitUntil(async () => (swept += await kit.budget.sweepExpired()) >= 2, 'the sweep');
      expect(await counters()).toEqual({ spent: 3 * worst, reserved: 0 });
      if (!late.ok) throw new Error('refused');
      await shortLived.settle(late.reservation, 42);
      expect(await counters()).toEqual({ spent: 2 * worst + 42, reserved: 0 });
    } finally {
      await kit.close();
    }
  });

  it('limits each API key to its calls per minute', async () => {
    const { key } = await createTenant(http, 'cluster-rate');
    const statuses: number[] = [];
    for (let i = 0; i <= RATE_LIMIT; i += 1) {
      statuses.push((await http('GET', '/v1/jobs', { key })).status);
    }
    expect(statuses.slice(0, RATE_LIMIT).every((s) => s === 200)).toBe(true);
    expect(statuses[RATE_LIMIT]).toBe(429);
  });

  it('streams two jobs to two SSE followers at once, tokens adding up to each result', async () => {
    const { key } = await createTenant(http, 'cluster-sse');
    const tokens = (events: SseEvent[]) =>
      events
        .filter((e) => e.event === 'token')
        .map((e) => (JSON.parse(e.data) as { text: string }).text)
        .join('');
    const follow = async (id: string) => {
      const conn = await openSse(`http://127.0.0.1:${env.env.API_PORT}/v1/jobs/${id}/events`, {
        authorization: `Bearer ${key}`,
      });
      expect(conn.status).toBe(200);
      const events: SseEvent[] = [];
      for (let e = await conn.next(); e; e = await conn.next()) events.push(e);
      return events;
    };
    const ids = [await submitJob(http, key, chatJob()), await submitJob(http, key, chatJob())];
    const streams = await Promise.all(ids.map(follow));
    for (const [i, events] of streams.entries()) {
      const job = await waitForJob(http, key, ids[i]);
      expect(job.status).toBe('completed');
      expect(events.at(-1)).toMatchObject({ event: 'end' });
      expect(tokens(events)).toBe(job.result.text);
      expect(tokens(events).length).toBeGreaterThan(0);
    }
  });

  it('cancels a running job through the cancel channel: the provider call is aborted', async () => {
    const { key } = await createTenant(http, 'cluster-cancel');
    const id = await submitJob(http, key, { role: 'chat', tier: 2, input: chatInput('long') });
    await waitForJob(http, key, id, ['active']);
    const res = await http('POST', `/v1/jobs/${id}/cancel`, { key });
    expect(res.status).toBe(202);
    await slow.waitForAborts(1, 10_000);
    expect(await waitForJob(http, key, id)).toMatchObject({ status: 'cancelled' });
  });

  it('opens the shared provider breaker and holds a 429 cooldown', async () => {
    const prefix = env.env.QUEUE_PREFIX;
    const breaker = {
      failures: 3,
      failureRate: 1,
      minCalls: 100,
      windowMs: 10_000,
      cooldownMs: 60_000,
    };
    const gate = new ProviderGate(redis, prefix, breaker, 5_000);
    expect(await gate.acquire('flaky')).toMatchObject({ allowed: true, state: 'closed' });
    const states = [];
    for (let i = 0; i < 3; i += 1) states.push(await gate.record('flaky', 'fail', false));
    expect(states).toEqual(['closed', 'closed', 'open']);
    expect(await gate.acquire('flaky')).toMatchObject({ allowed: false, state: 'open' });
    await gate.coolDown('limited', 30_000);
    expect(await gate.acquire('limited')).toMatchObject({ allowed: false, state: 'cooldown' });
    const status = await gate.status(['flaky', 'limited']);
    expect(status.get('flaky')).toMatchObject({ circuit: 'open', timesOpened: 1 });
    expect(status.get('limited')!.cooldownMs).toBeGreaterThan(0);
  });

  it('logged no Redis error in the API or the worker', () => {
    const redisErrors = apps.flatMap((app) =>
      app.output.filter((line) =>
        /CROSSSLOT|MOVED|ASK |non local key|Script attempted|Redis is unavailable|unavailable|ERR /i.test(
          line,
        ),
      ),
    );
    expect(redisErrors).toEqual([]);
  });
});
