import { HealthMonitor, createAdapter } from '@switchboard/llm';
import Redis from 'ioredis';
import { startFakeProvider, type FakeProviderServer } from '../support/fake-providers';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { TEST_REDIS_URL } from '../support/test-services';

// Health checks: one process per interval checks each provider; every process reads the result.
describe('provider health checks', () => {
  let env: TestEnv;
  let redis: Redis;
  let fake: FakeProviderServer;

  beforeAll(async () => {
    env = await createTestEnv();
    redis = new Redis(TEST_REDIS_URL);
    fake = await startFakeProvider('openai');
  });

  afterAll(async () => {
    await fake.close();
    redis.disconnect();
    await env.cleanup();
  });

  it('checks once per interval across processes, caches the result, and flags a provider that is down', async () => {
    const adapters = new Map([
      ['x', createAdapter({ name: 'x', kind: 'openai', baseURL: fake.url })],
    ]);
    const monitors = [1, 2].map(
      () => new HealthMonitor(redis, env.env.QUEUE_PREFIX, adapters, 60_000, 2_000),
    );
    await Promise.all(monitors.map((m) => m.tick()));
    expect(fake.stats.requests).toBe(1);
    for (const monitor of monitors) {
      const health = (await monitor.snapshot()).get('x')!;
      expect(health).toMatchObject({ status: 'up', error: null });
      expect(monitor.unhealthy().has('x')).toBe(false);
    }

    // The next round is due (the lease is gone): the provider is now down.
    await redis.del(`${env.env.QUEUE_PREFIX}:llm:lock:x`);
    fake.setDefault({ type: 'status', status: 503 });
    await Promise.all(monitors.map((m) => m.tick()));
    expect(fake.stats.requests).toBe(2);
    for (const monitor of monitors) {
      expect((await monitor.snapshot()).get('x')).toMatchObject({ status: 'down' });
      expect(monitor.unhealthy().has('x')).toBe(true);
    }
    await Promise.all(monitors.map((m) => m.stop()));
  });
});
