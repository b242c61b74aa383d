import { Global, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  BUDGET_ALERT_SINK,
  BUDGET_CLOCK,
  BudgetModule,
  BudgetPoolsCache,
  BudgetPoolsRepository,
  BudgetService,
  type BudgetAlert,
  type BudgetAlertSink,
  type BudgetClock,
} from '@switchboard/budget';
import { Config, ConfigModule, loadConfig } from '@switchboard/config';
import { PersistenceModule } from '@switchboard/persistence';
import { REDIS_CLIENT, RedisModule } from '@switchboard/redis';
import type { Redis } from 'ioredis';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestEnv, type TestEnv } from './test-env';

/** A clock tests move by hand; budget periods follow it. */
export interface TestClock extends BudgetClock {
  at: Date;
}

/** The budget lib booted as an app would: own schema and prefix, a test clock, a sink. */
export interface BudgetKit {
  env: TestEnv;
  config: Config;
  moduleRef: TestingModule;
  db: DataSource;
  redis: Redis;
  budget: BudgetService;
  pools: BudgetPoolsRepository;
  clock: TestClock;
  /** What the alert sink received (empty, and unbound, without `sink`). */
  alerts: BudgetAlert[];
  /** Another BudgetService (another "process"): its own config, cache and connection. */
  serviceWith(config: Config, redis?: Redis): BudgetService;
  tenant(): Promise<string>;
  apiKey(tenantId: string): Promise<string>;
  close(): Promise<void>;
}

export async function createBudgetKit(
  name: string,
  overrides: Record<string, string> = {},
  options: { sink?: boolean } = { sink: true },
): Promise<BudgetKit> {
  const env = await createTestEnv(overrides);
  const config = loadConfig(env.env);
  const clock: TestClock = { at: new Date(), now: () => clock.at };
  const alerts: BudgetAlert[] = [];
  const sink: BudgetAlertSink = { alert: (a) => void alerts.push(a) };

  // How an app binds the sink: a global module exporting the token.
  @Global()
  @Module({
    providers: [{ provide: BUDGET_ALERT_SINK, useValue: sink }],
    exports: [BUDGET_ALERT_SINK],
  })
  class AlertSinkModule {}

  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule,
      RedisModule,
      PersistenceModule.forRoot(name),
      ...(options.sink ? [AlertSinkModule] : []),
      BudgetModule,
    ],
  })
    .overrideProvider(Config)
    .useValue(config)
    .overrideProvider(BUDGET_CLOCK)
    .useValue(clock)
    .compile();
  await moduleRef.init();
  const db = moduleRef.get(DataSource);
  const redis = moduleRef.get<Redis>(REDIS_CLIENT);
  const pools = moduleRef.get(BudgetPoolsRepository);
  return {
    env,
    config,
    moduleRef,
    db,
    redis,
    budget: moduleRef.get(BudgetService),
    pools,
    clock,
    alerts,
    serviceWith: (c, client = redis) =>
      new BudgetService(
        client,
        c,
        new BudgetPoolsCache(pools, c),
        clock,
        options.sink ? sink : undefined,
      ),
    tenant: async () => {
      const id = randomUUID();
      await db.query('INSERT INTO tenants (id, name) VALUES ($1, $2)', [id, `budget-${id}`]);
      return id;
    },
    apiKey: async (tenantId) => {
      const id = randomUUID();
      await db.query(
        `INSERT INTO api_keys (id, tenant_id, name, prefix, key_hash) VALUES ($1, $2, 'k', 'sb_k', $3)`,
        [id, tenantId, randomBytes(32).toString('hex')],
      );
      return id;
    },
    close: async () => {
      await moduleRef.close();
      await env.cleanup();
    },
  };
}
