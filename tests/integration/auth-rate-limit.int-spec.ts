import { randomBytes, randomUUID } from 'node:crypto';
import { RateLimiterService } from '@switchboard/auth';
import { loadConfig } from '@switchboard/config';
import { Redis } from 'ioredis';
import { TEST_REDIS_URL } from '../support/test-services';

// The per-key limit against real Redis. Own key prefix, so runs never collide.
const config = loadConfig({
  NODE_ENV: 'test',
  REDIS_URL: TEST_REDIS_URL,
  QUEUE_PREFIX: `{t_authrl_${randomBytes(5).toString('hex')}}`,
  RATE_LIMIT_PER_MINUTE: '5',
});
const WINDOW = 60_000;

describe('RateLimiterService (Redis)', () => {
  // Two clients, as two API instances would have.
  let first: Redis;
  let second: Redis;
  let limiters: RateLimiterService[];

  beforeAll(() => {
    first = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    second = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    limiters = [new RateLimiterService(first, config), new RateLimiterService(second, config)];
  });

  afterAll(async () => {
    const keys = await first.keys(`${config.redis.prefix}:*`);
    if (keys.length) await first.del(...keys);
    first.disconnect();
    second.disconnect();
  });

  const redisKey = (keyId: string) => `${config.redis.prefix}:ratelimit:${keyId}`;

  it('allows the limit, then refuses with a retry delay, sharing state across instances', async () => {
    const keyId = randomUUID();
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await limiters[i % 2].consume(keyId));

    expect(results.slice(0, 5).map((r) => [r.allowed, r.remaining])).toEqual([
      [true, 4],
      [true, 3],
      [true, 2],
      [true, 1],
      [true, 0],
    ]);
    expect(results.every((r) => r.limit === 5)).toBe(true);
    const refused = results[5];
    expect(refused).toMatchObject({ allowed: false, remaining: 0, limit: 5 });
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(120);
    // Refused calls are not counted, and every instance sees the same state.
    expect((await limiters[0].consume(keyId)).allowed).toBe(false);
    expect(await second.hget(redisKey(keyId), 'c')).toBe('5');

    // The state lives under the configured prefix (hash tag kept) and expires by itself.
    const ttl = await first.pttl(redisKey(keyId));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(2 * WINDOW);
  });

  it('gives each key its own budget', async () => {
    const spent = randomUUID();
    for (let i = 0; i < 5; i++) await limiters[0].consume(spent);
    expect((await limiters[1].consume(spent)).allowed).toBe(false);
    expect(await limiters[1].consume(randomUUID())).toMatchObject({ allowed: true, remaining: 4 });
  });

  describe('window math', () => {
    /** Writes the limiter's state, `age` windows ago; returns Redis's elapsed ms in this one. */
    async function seed(keyId: string, current: number, previous: number, age = 0) {
      let now = await redisNow();
      if (now % WINDOW > WINDOW - 1000) {
        // Too close to the edge: start in the next window instead.
        await new Promise((resolve) => setTimeout(resolve, WINDOW - (now % WINDOW) + 20));
        now = await redisNow();
      }
      const index = Math.floor(now / WINDOW);
      await first.hset(redisKey(keyId), { w: index - age, c: current, p: previous });
      await first.pexpire(redisKey(keyId), 2 * WINDOW);
      return now % WINDOW;
    }

    async function redisNow(): Promise<number> {
      const [sec, usec] = await first.time();
      return Number(sec) * 1000 + Math.floor(Number(usec) / 1000);
    }

    const expectRetry = (seconds: number, waitMs: number) => {
      // The call runs a few ms after `seed` read the clock.
      expect(seconds).toBeGreaterThanOrEqual(Math.ceil(waitMs / 1000) - 1);
      expect(seconds).toBeLessThanOrEqual(Math.ceil(waitMs / 1000));
    };

    it('a full current window waits for the next one and for the weight to drop', async () => {
      const keyId = randomUUID();
      const elapsed = await seed(keyId, 5, 0);
      const result = await limiters[0].consume(keyId);
      expect(result.allowed).toBe(false);
      // Next window at W - elapsed, then 5 * (1 - e/W) + 1 <= 5 once e >= W/5.
      expectRetry(result.retryAfterSeconds, WINDOW - elapsed + WINDOW / 5);
    });

    it('a busy previous window refuses until its weight has shrunk enough', async () => {
      const keyId = randomUUID();
      const elapsed = await seed(keyId, 2, 1000);
      const result = await limiters[0].consume(keyId);
      expect(result.allowed).toBe(false);
      // 1000 * (1 - e/W) + 2 + 1 <= 5 once e >= W * (1 - 2/1000).
      expectRetry(result.retryAfterSeconds, WINDOW * (1 - 2 / 1000) - elapsed);
    });

    it('rolls the last window over into the weighted one, and forgets older ones', async () => {
      const busy = randomUUID();
      const elapsed = await seed(busy, 1000, 7, 1);
      const result = await limiters[0].consume(busy);
      expect(result.allowed).toBe(false);
      expectRetry(result.retryAfterSeconds, WINDOW * (1 - 4 / 1000) - elapsed);

      const old = randomUUID();
      await seed(old, 1000, 1000, 2);
      expect(await limiters[0].consume(old)).toMatchObject({ allowed: true, remaining: 4 });
    });
  });
});
