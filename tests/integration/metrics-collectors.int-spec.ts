import { Test, type TestingModule } from '@nestjs/testing';
import { BudgetModule, BudgetService } from '@switchboard/budget';
import { Config, ConfigModule, loadConfig } from '@switchboard/config';
import { metricsRegistry } from '@switchboard/observability';
import { PersistenceModule } from '@switchboard/persistence';
import { LedgerBacklogCollector } from '@switchboard/llm';
import { MailboxQueues, QueueDepthCollector, QueueModule } from '@switchboard/queue';
import { REDIS_CLIENT, RedisModule } from '@switchboard/redis';
import type { Redis } from 'ioredis';
import { createTestEnv, type TestEnv } from '../support/test-env';

// The API's two timed collectors against real Redis: what they read is what the next scrape
// reports, and a scrape itself reads nothing from Redis.

/** One sample of the registry's text exposition. */
async function sample(line: RegExp): Promise<number | undefined> {
  const text = await metricsRegistry.metrics();
  const found = text.split('\n').find((l) => line.test(l));
  return found === undefined ? undefined : Number(found.split(' ').at(-1));
}

describe('metrics collectors (queue depth, ledger backlog)', () => {
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
});
