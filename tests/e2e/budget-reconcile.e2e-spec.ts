import { Test, type TestingModule } from '@nestjs/testing';
import {
  BudgetModule,
  BudgetPoolsRepository,
  BudgetService,
  type BudgetPool,
} from '@switchboard/budget';
import { Config, ConfigModule, loadConfig } from '@switchboard/config';
import {
  InvocationsRepository,
  PersistenceModule,
  type InvocationRow,
} from '@switchboard/persistence';
import { RedisModule } from '@switchboard/redis';
import { createTenant } from '../support/http-client';
import { usePlatform } from '../support/platform';
import { startWorker, waitUntil } from '../support/worker-kit';

// The worker's budget-reconcile maintenance task against real Redis and PostgreSQL: Redis
// counters that disagree with the invocation log are reported, and rewritten to the log's
// sums once BUDGET_RECONCILE_REPAIR is on (a second worker, started with it).

const DAY_MS = 86_400_000;

describe('budget reconciliation (maintenance task budget-reconcile)', () => {
  const platform = usePlatform({ BUDGET_RECONCILE_INTERVAL_MS: '500', BUDGET_POOL_CACHE_MS: '0' });
  let moduleRef: TestingModule;
  let budget: BudgetService;
  let daily: BudgetPool; // tenant, daily: Redis 5,000 µ$, log 3,000 µ$ today
  let lifetime: BudgetPool; // api_key, lifetime: Redis 0, log 1,700 µ$ (today and 3 days ago)
  let agreeing: BudgetPool; // api_key, daily: Redis 1,200 = log 1,200
  const today = () => new Date().toISOString().slice(0, 10);
  /** The worker's output length once the pools and rows are in place. */
  let setUpAt = 0;
  /**
   * Drift lines grouped by reconcile pass: a pass prints its lines together and names each
   * pool at most once, so a pool named again starts the next pass.
   */
  const passesOf = (output: string[]): string[][] => {
    const passes: string[][] = [];
    let seen = new Set<string>();
    for (const line of output.filter((l) => l.includes('drift in'))) {
      const pool = /pool (\S+)/.exec(line)?.[1] ?? line;
      if (passes.length === 0 || seen.has(pool)) {
        passes.push([]);
        seen = new Set();
      }
      seen.add(pool);
      passes[passes.length - 1].push(line);
    }
    return passes;
  };

  const create = async (body: Record<string, unknown>): Promise<BudgetPool> => {
    const res = await platform.http('POST', '/v1/budgets', { admin: true, body });
    expect(res.status).toBe(201);
    return (await moduleRef.get(BudgetPoolsRepository).findById(res.body.id))!;
  };
  const row = (tenantId: string, apiKeyId: string | null, costMicros: number, at: Date) =>
    ({
      startedAt: at,
      tenantId,
      apiKeyId,
      tier: 1,
      provider: 'openai',
      model: 'gpt-a',
      callKind: 'chat',
      attempt: 1,
      outcome: 'ok',
      costMicros,
      latencyMs: 10,
    }) as InvocationRow;
  const spent = async (pool: BudgetPool, key: string) =>
    (await budget.counters(pool, key)).spentMicros;
  const driftLine = (worker: typeof platform.worker, pool: BudgetPool, outcome: string) =>
    worker.waitFor(new RegExp(`drift in \\S+ pool ${pool.id} .*; ${outcome}`));

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule,
        RedisModule,
        PersistenceModule.forRoot('reconcile-e2e'),
        BudgetModule,
      ],
    })
      .overrideProvider(Config)
      .useValue(loadConfig(platform.env.env))
      .compile();
    await moduleRef.init();
    budget = moduleRef.get(BudgetService);
    const t = await createTenant(platform.http, 'reconcile');
    const other = await createTenant(platform.http, 'reconcile-other');
    const base = { tenantId: t.tenantId, limitMicros: 1_000_000 };
    daily = await create({ ...base, scope: 'tenant', period: 'daily' });
    lifetime = await create({ ...base, scope: 'api_key', apiKeyId: t.keyId, period: 'lifetime' });
    agreeing = await create({ ...base, scope: 'api_key', apiKeyId: t.keyId, period: 'daily' });
    const now = new Date(Date.now() - 10_000);
    await moduleRef
      .get(InvocationsRepository)
      .insertMany([
        row(t.tenantId, t.keyId, 1_200, now),
        row(t.tenantId, null, 1_800, now),
        row(t.tenantId, t.keyId, 500, new Date(now.getTime() - 3 * DAY_MS)),
        row(other.tenantId, other.keyId, 10_000, now),
      ]);
    await budget.setSpent(daily, today(), 5_000);
    await budget.setSpent(agreeing, today(), 1_200);
    setUpAt = platform.worker.output.length;
  });

  afterAll(async () => {
    await moduleRef?.close();
  });

  it('reports each drifted pool in its current period and leaves Redis alone', async () => {
    await driftLine(platform.worker, daily, 'reported');
    await driftLine(platform.worker, lifetime, 'reported');
    // A pass that read the counters while the pools were being set up may report the
    // agreeing pool too: judge a pass that began after the setup, the second one after it.
    const lines = await waitUntil(() => {
      const passes = passesOf(platform.worker.output.slice(setUpAt));
      return Promise.resolve(passes.length >= 3 && passes[1]);
    }, 'two whole reconcile passes after the setup');
    expect(lines.find((l) => l.includes(daily.id))).toContain(
      `(${today()}): Redis 5000 µ$, log 3000 µ$ (+2000); reported`,
    );
    expect(lines.find((l) => l.includes(lifetime.id))).toContain(
      '(lifetime): Redis 0 µ$, log 1700 µ$ (-1700); reported',
    );
    expect(lines.some((l) => l.includes(agreeing.id))).toBe(false);
    expect(await spent(daily, today())).toBe(5_000);
    expect(await spent(lifetime, 'lifetime')).toBe(0);
  });

  it('with BUDGET_RECONCILE_REPAIR=true, rewrites the counters to the log', async () => {
    await platform.worker.stop();
    platform.worker = await startWorker({ ...platform.env.env, BUDGET_RECONCILE_REPAIR: 'true' });
    await driftLine(platform.worker, daily, 'repaired');
    await driftLine(platform.worker, lifetime, 'repaired');
    expect(await spent(daily, today())).toBe(3_000);
    expect(await spent(lifetime, 'lifetime')).toBe(1_700);
    expect(await spent(agreeing, today())).toBe(1_200);
    const status = await platform.http('GET', `/v1/budgets/status?tenantId=${daily.tenantId}`, {
      admin: true,
    });
    const daySpend = status.body.data.find((s: any) => s.pool.id === daily.id);
    expect(daySpend).toMatchObject({ spentMicros: 3_000, spent: '0.003000' });
  });
});
