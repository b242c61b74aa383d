import { Logger } from '@nestjs/common';
import { loadConfig } from '@switchboard/config';
import { HealthMonitor, ProviderGate, createAdapter } from '@switchboard/llm';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { startFakeProvider, type FakeProviderServer } from '../support/fake-providers';
import { TEST_REDIS_URL } from '../support/test-services';
import { unreachableRedis } from '../support/unreachable-redis';

// The provider gate and the health monitor at their edges, in real Redis: the in-process
// cache of a closed circuit and what invalidates it, the status of providers never seen,
// failing open when Redis cannot answer, and the health monitor's rounds, leases and outages.
const breaker = loadConfig({
  LLM_BREAKER_FAILURES: '2',
  LLM_BREAKER_COOLDOWN_MS: '60000',
}).llm.breaker;

describe('provider gate and health monitor: edges', () => {
  let redis: Redis;
  let down: Redis;
  let prefix: string;
  let warnings: jest.SpyInstance;

  beforeAll(async () => {
    redis = new Redis(TEST_REDIS_URL);
    down = await unreachableRedis();
  });

  beforeEach(() => {
    prefix = `{t_gate_${randomBytes(5).toString('hex')}}`;
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(async () => {
    warnings.mockRestore();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  });

  afterAll(() => {
    down.disconnect();
    redis.disconnect();
  });

  const warned = () => warnings.mock.calls.map(([message]) => String(message));

  describe('ProviderGate', () => {
    it('trusts a closed answer for a while in this process, until a failure or a 429 here', async () => {
      const cached = new ProviderGate(redis, prefix, breaker, 5_000, 60_000);
      const other = new ProviderGate(redis, prefix, breaker, 5_000);
      expect(await cached.acquire('a')).toEqual({ allowed: true, state: 'closed', waitMs: 0 });
      // Another process opens the circuit: this one still trusts its cached answer...
      await other.record('a', 'fail', false);
      expect(await other.record('a', 'fail', false)).toBe('open');
      expect((await other.acquire('a')).allowed).toBe(false);
      expect(await cached.acquire('a')).toEqual({ allowed: true, state: 'closed', waitMs: 0 });
      // ...until a failure of its own, after which it asks Redis again.
      expect(await cached.record('a', 'fail', false)).toBe('open');
      expect(await cached.acquire('a')).toMatchObject({ allowed: false, state: 'open' });

      // A 429 seen here drops the cached answer as well.
      expect((await cached.acquire('b')).allowed).toBe(true);
      await other.coolDown('b', 30_000);
      expect((await cached.acquire('b')).allowed).toBe(true);
      await cached.coolDown('b', 30_000);
      expect(await cached.acquire('b')).toMatchObject({ allowed: false, state: 'cooldown' });
    });

    it('does not cache a probe, a refusal, or anything when caching is off', async () => {
      const cached = new ProviderGate(redis, prefix, breaker, 5_000, 60_000);
      await cached.record('a', 'fail', false);
      await cached.record('a', 'fail', false);
      const refused = await cached.acquire('a');
      expect(refused).toMatchObject({ allowed: false, state: 'open' });
      expect(refused.waitMs).toBeGreaterThan(0);
      expect((await cached.acquire('a')).allowed).toBe(false);

      const uncached = new ProviderGate(redis, prefix, breaker, 5_000);
      expect((await uncached.acquire('c')).allowed).toBe(true);
      await uncached.record('c', 'fail', false);
      await uncached.record('c', 'fail', false);
      expect((await uncached.acquire('c')).allowed).toBe(false);
    });

    it('reports providers it never saw as closed with nothing counted', async () => {
      const gate = new ProviderGate(redis, prefix, breaker, 5_000);
      await gate.record('seen', 'fail', false);
      await gate.record('seen', 'fail', false);
      await gate.coolDown('cooling', 10_000.4);
      const status = await gate.status(['never', 'seen', 'cooling']);
      expect(status.get('never')).toEqual({
        circuit: 'closed',
        consecutiveFailures: 0,
        openUntil: null,
        changedAt: null,
        timesOpened: 0,
        cooldownMs: 0,
      });
      expect(status.get('seen')).toMatchObject({ circuit: 'open', timesOpened: 1 });
      expect(status.get('seen')!.openUntil).toBeGreaterThan(Date.now());
      expect(status.get('seen')!.changedAt).toBeLessThanOrEqual(Date.now());
      expect(status.get('cooling')!.cooldownMs).toBeGreaterThan(0);
      expect(status.get('cooling')!.cooldownMs).toBeLessThanOrEqual(10_001);
      expect(status.get('cooling')!.circuit).toBe('closed');
    });

    it('fails open when Redis cannot answer, with one warning per outage', async () => {
      const gate = new ProviderGate(down, prefix, breaker, 5_000, 60_000);
      expect(await gate.acquire('a')).toEqual({ allowed: true, state: 'closed', waitMs: 0 });
      expect(await gate.record('a', 'fail', false)).toBeUndefined();
      expect(await gate.record('a', 'ok', true)).toBeUndefined();
      await gate.coolDown('a', 1_000);
      expect(await gate.acquire('a')).toEqual({ allowed: true, state: 'closed', waitMs: 0 });
      expect(warned()).toEqual([
        expect.stringMatching(/^provider gate unavailable, failing open: /),
      ]);
      // Gates sharing a connection define their scripts once.
      const again = new ProviderGate(down, prefix, breaker, 5_000);
      expect((await again.acquire('a')).allowed).toBe(true);
    });
  });

  describe('HealthMonitor', () => {
    let fake: FakeProviderServer;

    beforeAll(async () => {
      fake = await startFakeProvider('openai');
    });

    afterAll(async () => {
      await fake.close();
    });

    beforeEach(() => {
      fake.reset();
    });

    const adapters = () =>
      new Map([['x', createAdapter({ name: 'x', kind: 'openai', baseURL: fake.url })]]);

    it('checks at start and stops cleanly; starting twice runs one schedule', async () => {
      const monitor = new HealthMonitor(redis, prefix, adapters(), 60_000, 2_000);
      monitor.start();
      monitor.start();
      // The first round runs at once; stop() waits for it.
      await monitor.stop();
      expect(fake.stats.requests).toBe(1);
      expect((await monitor.snapshot()).get('x')).toMatchObject({ status: 'up', error: null });
      await monitor.stop();
    });

    it('shares one round between concurrent callers in a process', async () => {
      const monitor = new HealthMonitor(redis, prefix, adapters(), 60_000, 2_000);
      const first = monitor.tick();
      expect(monitor.tick()).toBe(first);
      await first;
      expect(fake.stats.requests).toBe(1);
    });

    it('reads a provider another process is still checking as unknown, not down', async () => {
      await redis.set(`${prefix}:llm:lock:x`, 'other process', 'PX', 60_000);
      const monitor = new HealthMonitor(redis, prefix, adapters(), 60_000, 2_000);
      await monitor.tick();
      expect(fake.stats.requests).toBe(0);
      expect((await monitor.snapshot()).get('x')).toEqual({
        status: 'unknown',
        checkedAt: null,
        latencyMs: null,
        error: null,
      });
      expect(monitor.unhealthy().size).toBe(0);
    });

    it('marks a provider down when its check times out, with the reason', async () => {
      fake.setDefault({ type: 'hang' });
      const monitor = new HealthMonitor(redis, prefix, adapters(), 60_000, 100);
      await monitor.tick();
      const health = (await monitor.snapshot()).get('x')!;
      expect(health.status).toBe('down');
      expect(health.error).toEqual(expect.any(String));
      expect(health.error!.length).toBeGreaterThan(0);
      expect(monitor.unhealthy()).toEqual(new Set(['x']));
    });

    it('survives a round Redis cannot serve: it warns and flags no provider', async () => {
      const monitor = new HealthMonitor(down, prefix, adapters(), 60_000, 2_000);
      await monitor.tick();
      expect(fake.stats.requests).toBe(0);
      expect(monitor.unhealthy().size).toBe(0);
      expect(warned()).toEqual([expect.stringMatching(/^health check round failed: /)]);
      await expect(monitor.snapshot()).rejects.toThrow();
    });

    it('has nothing to check or report without providers', async () => {
      const monitor = new HealthMonitor(down, prefix, new Map(), 60_000, 2_000);
      await monitor.tick();
      expect(await monitor.snapshot()).toEqual(new Map());
      expect(warned()).toEqual([]);
    });
  });
});
