import { type INestApplication, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { AuthModule, TenantsService } from '@switchboard/auth';
import { BudgetModule } from '@switchboard/budget';
import { BudgetAlertsModule } from '@switchboard/budget-alerts';
import { Config, ConfigModule, loadConfig } from '@switchboard/config';
import { LlmModule, type ModelCatalogueFile } from '@switchboard/llm';
import { PersistenceModule } from '@switchboard/persistence';
import { QueueModule } from '@switchboard/queue';
import { RedisModule } from '@switchboard/redis';
import {
  LanceDbStore,
  StoreUnavailableError,
  VECTOR_STORE,
  type VectorStore,
} from '@switchboard/retrieval';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The retrieval routes and the ingestion processor composed in one process: this harness
// needs the apps' modules (an exception to "tests never import an app"; the e2e tier runs the
// built apps instead). Only these five imports.
/* eslint-disable no-restricted-imports */
import { jsonBody } from '../../apps/api/src/problems/json-body.middleware';
import { ProblemDetailsFilter } from '../../apps/api/src/problems/problem-details.filter';
import { RetrievalApiModule } from '../../apps/api/src/retrieval/retrieval-api.module';
import { RetrievalWorkerModule } from '../../apps/worker/src/retrieval/retrieval-worker.module';
/* eslint-enable no-restricted-imports */
import { createTestEnv, type TestEnv } from './test-env';

/**
 * A store that can be switched "down": while `down > 0`, each upsert fails with
 * StoreUnavailableError (and counts down), as LanceDB or Qdrant unreachable would.
 */
export class SwitchableStore {
  down = 0;
  failedUpserts = 0;
  constructor(readonly inner: VectorStore) {}

  proxy(): VectorStore {
    return new Proxy(this.inner, {
      get: (target, prop, receiver) => {
        if (prop === 'upsert') {
          return async (...args: Parameters<VectorStore['upsert']>) => {
            if (this.down > 0) {
              this.down -= 1;
              this.failedUpserts += 1;
              throw new StoreUnavailableError('lancedb', new Error('simulated outage'));
            }
            return target.upsert(...args);
          };
        }
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === 'function'
          ? (value as (...a: unknown[]) => unknown).bind(target)
          : value;
      },
    });
  }
}

export interface RetrievalHarness {
  app: INestApplication;
  server: Server;
  env: TestEnv;
  config: Config;
  store: SwitchableStore;
  tenants: TenantsService;
  /** A new tenant and one of its API keys. */
  newTenant(name: string): Promise<{ tenantId: string; key: string }>;
  close(): Promise<void>;
}

/**
 * The API's retrieval routes and the worker's ingestion processor in one Nest app, over real
 * PostgreSQL, Redis and LanceDB (a temp dir), with the given model catalogue.
 */
export async function startRetrievalHarness(
  catalogue: ModelCatalogueFile,
  overrides: Record<string, string> = {},
): Promise<RetrievalHarness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sb-retrieval-'));
  const catalogueFile = join(dataDir, 'catalogue.json');
  await writeFile(catalogueFile, JSON.stringify(catalogue));
  const env = await createTestEnv({
    LLM_CATALOGUE_FILE: catalogueFile,
    LLM_HEALTH_INTERVAL_MS: '600000',
    LLM_INVOCATION_FLUSH_MS: '20',
    BUDGET_POOL_CACHE_MS: '0',
    RATE_LIMIT_PER_MINUTE: '100000',
    RETRIEVAL_DATA_DIR: join(dataDir, 'lancedb'),
    ...overrides,
  });
  const config = loadConfig(env.env);
  const store = new SwitchableStore(
    await LanceDbStore.connect({ dataDir: config.retrieval.dataDir }),
  );

  @Module({
    imports: [
      ConfigModule,
      PersistenceModule.forRoot('retrieval-int-spec'),
      RedisModule,
      QueueModule,
      AuthModule,
      LlmModule,
      BudgetModule,
      BudgetAlertsModule,
      RetrievalApiModule,
      RetrievalWorkerModule,
    ],
    providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
  })
  class HarnessModule {}

  const moduleRef = await Test.createTestingModule({ imports: [HarnessModule] })
    .overrideProvider(Config)
    .useValue(config)
    .overrideProvider(VECTOR_STORE)
    .useValue(store.proxy())
    .compile();
  const app = moduleRef.createNestApplication({ bodyParser: false, logger: ['error'] });
  app.use(jsonBody(config.http.bodyLimitBytes));
  await app.init();
  const tenants = app.get(TenantsService);
  return {
    app,
    server: app.getHttpServer() as Server,
    env,
    config,
    store,
    tenants,
    async newTenant(name) {
      const tenant = await tenants.createTenant(`${name}-${env.id}`.slice(0, 60), 'retrieval-test');
      const created = await tenants.createApiKey(tenant.id, 'test', 'retrieval-test');
      return { tenantId: tenant.id, key: created.key };
    },
    async close() {
      await app.close();
      await store.inner.close();
      await env.cleanup();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
