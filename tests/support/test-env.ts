import { loadConfig } from '@switchboard/config';
import { runMigrations } from '@switchboard/persistence';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { freePort } from '../../scripts/embedded/free-port';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './test-services';

export { freePort };

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';

/** One isolated world per test file: its own PostgreSQL schema and its own queue prefix. */
export interface TestEnv {
  id: string;
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

export async function createTestEnv(overrides: Record<string, string> = {}): Promise<TestEnv> {
  const id = `t_${randomBytes(5).toString('hex')}`;
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    DATABASE_URL: TEST_DATABASE_URL,
    DATABASE_SCHEMA: id,
    DATABASE_POOL_SIZE: '5',
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: `{${id}}`,
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    API_HOST: '127.0.0.1',
    API_PORT: String(await freePort()),
    LLM_SIMULATED_LATENCY_MS: '0',
    LLM_SIMULATED_TOKENS_PER_SECOND: '1000000',
    WORKER_POOLS: 'agent.*.t*:4',
    ...overrides,
  };
  await runMigrations(loadConfig(env).database);
  return { id, env, cleanup: () => dropTestEnv(id) };
}

async function dropTestEnv(id: string): Promise<void> {
  const pg = new Client({ connectionString: TEST_DATABASE_URL });
  await pg.connect();
  try {
    await pg.query(`DROP SCHEMA IF EXISTS "${id}" CASCADE`);
  } finally {
    await pg.end();
  }
  const redis = new Redis(TEST_REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `{${id}}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
