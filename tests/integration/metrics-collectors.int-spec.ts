import { Test, type TestingModule } from '@nestjs/testing';
import {
  BudgetModule,
  BudgetPoolCollector,
  BudgetPoolsRepository,
  BudgetService,
} from '@switchboard/budget';
import { Config, ConfigModule, loadConfig } from '@switchboard/config';
import { metricsRegistry } from '@switchboard/observability';
import { PersistenceModule } from '@switchboard/persistence';
import { LedgerBacklogCollector } from '@switchboard/llm';
import {
  bullWorkerOptions,
  MailboxQueues,
  QueueDepthCollector,
  QueueModule,
} from '@switchboard/queue';
import { REDIS_CLIENT, RedisModule } from '@switchboard/redis';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestEnv, type TestEnv } from '../support/test-env';

// The API's three timed collectors against real Redis: what they read is what the next scrape
// reports, and a scrape itself reads nothing from Redis.

/** One sample of the registry's text exposition. */
async function sample(line: RegExp): Promise<number | undefined> {
  const text = await metricsRegistry.metrics();
  const found = text.split('\n').find((l) => line.test(l));
  return found === undefined ? undefined : Number(found.split(' ').at(-1));
}

describe('metrics collectors (queue depth and workers, ledger backlog, opted-in pools)', () => {
  let env: TestEnv;
  let moduleRef: TestingModule;
  let redis: Redis;
  let budget: BudgetService;

  beforeAll(async () => {
    env = await createTestEnv();
    moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule,
        RedisModule,
        PersistenceModule.forRoot('metrics-collectors'),
        QueueModule,
        BudgetModule,
      ],
    })
      .overrideProvider(Config)
      .useValue(loadConfig(env.env))
      .compile();
    await moduleRef.init();
    redis = moduleRef.get(REDIS_CLIENT);
    budget = moduleRef.get(BudgetService);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await env?.cleanup();
  });

  it('reports each mailbox by state as last read, not as Redis is at scrape time', async () => {
    const queues = moduleRef.get(MailboxQueues);
    const collector = new QueueDepthCollector(queues);
    const judge = queues.get('judge', 3);
    await judge.add('a', {}, { delay: 3_600_000 });
    await judge.add('b', {});
    await judge.add('c', {});
    await collector.refresh();
    const line = (state: string) =>
      new RegExp(`^switchboard_queue_jobs\\{queue="agent\\.judge\\.t3",state="${state}"\\} `);
    expect(await sample(line('waiting'))).toBe(2);
    expect(await sample(line('delayed'))).toBe(1);
    expect(await sample(line('active'))).toBe(0);
    expect(await sample(/^switchboard_queue_jobs\{queue="agent\.chat\.t0",state="failed"\} /)).toBe(
      0,
    );
    await judge.add('d', {});
    expect(await sample(line('waiting'))).toBe(2); // a scrape reads the cache
    await collector.refresh();
    expect(await sample(line('waiting'))).toBe(3);
    await judge.obliterate({ force: true });
  });

  it('reports reservations held and the ledger stream backlog with its age', async () => {
    const collector = new LedgerBacklogCollector(redis, budget);
    const old = Date.now() - 90_000;
    await redis.xadd(budget.invocationStream, `${old}-0`, 'row', '{}');
    await redis.xadd(budget.invocationStream, '*', 'row', '{}');
    await redis.zadd(budget.reservationsKey, Date.now() + 60_000, 'r1', Date.now() + 60_000, 'r2');
    await collector.refresh();
    expect(await sample(/^switchboard_budget_reservations_held /)).toBe(2);
    expect(await sample(/^switchboard_invocation_log_pending\{log="durable"\} /)).toBe(2);
    const lag = (await sample(/^switchboard_invocation_log_flush_lag_seconds /))!;
    expect(lag).toBeGreaterThanOrEqual(90);
    expect(lag).toBeLessThan(3_600);
    await redis.del(budget.invocationStream, budget.reservationsKey);
    await collector.refresh();
    expect(await sample(/^switchboard_invocation_log_pending\{log="durable"\} /)).toBe(0);
    expect(await sample(/^switchboard_invocation_log_flush_lag_seconds /)).toBe(0);
    expect(await sample(/^switchboard_budget_reservations_held /)).toBe(0);
  });

  it('reports the workers connected to each mailbox from the same timed read', async () => {
    const queues = moduleRef.get(MailboxQueues);
    const config = moduleRef.get(Config);
    const collector = new QueueDepthCollector(queues);
    const line = (queue: string) =>
      new RegExp(`^switchboard_queue_workers\\{queue="${queue.replace(/\./g, '\\.')}"\\} `);
    const options = bullWorkerOptions(config.redis, config.worker, { concurrency: 1 });
    const workers = [1, 2].map(() => new Worker('agent.coder.t2', async () => undefined, options));
    try {
      await Promise.all(workers.map((w) => w.waitUntilReady()));
      await collector.refresh();
      expect(await sample(line('agent.coder.t2'))).toBe(2);
      expect(await sample(line('agent.coder.t0'))).toBe(0);
      await workers[1].close();
      expect(await sample(line('agent.coder.t2'))).toBe(2); // a scrape reads the cache
      await collector.refresh();
      expect(await sample(line('agent.coder.t2'))).toBe(1);
    } finally {
      await Promise.all(workers.map((w) => w.close()));
    }
  });

  it('reports spend and limit only for the pools of opted-in tenants', async () => {
    const db = moduleRef.get(DataSource);
    const pools = moduleRef.get(BudgetPoolsRepository);
    const tenant = async () => {
      const id = randomUUID();
      await db.query('INSERT INTO tenants (id, name) VALUES ($1, $2)', [id, `metrics-${id}`]);
      return id;
    };
    const [opted, other] = [await tenant(), await tenant()];
    const optedPool = await pools.create({
      tenantId: opted,
      scope: 'tenant',
      period: 'daily',
      limitMicros: 5_000_000,
    });
    await pools.create({ tenantId: other, scope: 'tenant', period: 'daily', limitMicros: 7 });
    const base = moduleRef.get(Config);
    const config = loadConfig({ ...env.env, METRICS_TENANT_LABELS: opted.toUpperCase() });
    expect(base.metrics.tenantLabels).toEqual([]);
    const status = await budget.statusOf(optedPool);
    await budget.setSpent(optedPool, status.periodKey, 1_234);
    const collector = new BudgetPoolCollector(config, budget);
    await collector.refresh();
    const labels = `tenant="${opted}",scope="tenant",period="daily"`;
    const of = (name: string) =>
      new RegExp(`^switchboard_budget_pool_${name}_microdollars\\{${labels}\\} `);
    expect(await sample(of('spend'))).toBe(1_234);
    expect(await sample(of('limit'))).toBe(5_000_000);
    expect(await sample(of('reserved'))).toBe(0);
    const text = await metricsRegistry.metrics();
    expect(text).not.toContain(other);
    // Nobody opted in: no tenant anywhere.
    await new BudgetPoolCollector(base, budget).refresh();
    expect(await metricsRegistry.metrics()).not.toContain(opted);
    await db.query('DELETE FROM budget_pools WHERE tenant_id = ANY($1)', [[opted, other]]);
    await db.query('DELETE FROM tenants WHERE id = ANY($1)', [[opted, other]]);
  });
});
