import {
  lowerToBudget,
  quoteCost,
  type BudgetPool,
  type BudgetPoolsRepository,
  type BudgetService,
  type BudgetSubject,
  type CallQuote,
  type NewBudgetPool,
  type Reservation,
} from '@switchboard/budget';
import type { Config } from '@switchboard/config';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { createBudgetKit, type BudgetKit } from '../support/budget-kit';
import { TEST_REDIS_URL } from '../support/test-services';

// Budget reservations on real Redis and PostgreSQL: exact under concurrency, one round trip
// each way, lowering and refusals, soft pools, several pools at once. Two services on two
// Redis connections stand for two worker processes. Every test uses its own tenant.

const NOON = new Date('2026-11-21T12:00:00Z');
// 1 µ$ per input token, 2 µ$ per output token: 100 in + 200 out costs at most 500 µ$.
const PRICES = { input: 1_000_000, output: 2_000_000, cachedInput: 100_000 };
const QUOTE: CallQuote = { inputTokens: 100, maxTokens: 200, prices: PRICES };
const WORST = 500;
const FLOOR = 16;

describe('BudgetService reservations (Redis + PostgreSQL)', () => {
  let kit: BudgetKit;
  let config: Config;
  let redis: Redis;
  let budget: BudgetService;
  let pools: BudgetPoolsRepository;
  let other: BudgetService; // a second "worker": own Redis connection and pool cache
  let otherRedis: Redis;

  beforeAll(async () => {
    kit = await createBudgetKit('budget-reservations-int-spec', {
      BUDGET_POOL_CACHE_MS: '0',
      BUDGET_MIN_OUTPUT_TOKENS: String(FLOOR),
    });
    kit.clock.at = NOON;
    ({ config, redis, budget, pools } = kit);
    otherRedis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    other = kit.serviceWith(config, otherRedis);
  });

  afterEach(() => {
    jest.restoreAllMocks();
    kit.clock.at = NOON;
  });

  afterAll(async () => {
    otherRedis?.disconnect();
    await kit?.close();
  });

  const tenant = () => kit.tenant();
  const apiKey = (tenantId: string) => kit.apiKey(tenantId);

  const pool = (input: Omit<NewBudgetPool, 'period'> & Partial<NewBudgetPool>) =>
    pools.create({ period: input.scope === 'job' ? 'lifetime' : 'daily', ...input });

  const counters = async (p: BudgetPool, jobId?: string) =>
    budget.counters(p, (await budget.statusOf(p, jobId)).periodKey, jobId);

  /** Reserve, then settle with what `actual` makes of the reservation. */
  async function cycle(
    service: BudgetService,
    subject: BudgetSubject,
    actual: (r: Reservation) => number,
  ) {
    const result = await service.reserve(subject, QUOTE);
    if (!result.ok) return result;
    await new Promise((resolve) => setImmediate(resolve));
    const spent = actual(result.reservation!);
    await service.settle(result.reservation, spent);
    return { ...result, spent };
  }

  describe('under concurrency', () => {
    it('holds exactly 100 worst cases of 500 calls at once, and no more', async () => {
      const tenantId = await tenant();
      const hard = await pool({ tenantId, scope: 'tenant', limitMicros: 100 * WORST });
      const results = await Promise.all(
        Array.from({ length: 500 }, (_, i) =>
          cycle(i % 2 ? budget : other, { tenantId }, (r) => r.amountMicros),
        ),
      );
      const granted = results.filter((r) => r.ok);
      expect(granted).toHaveLength(100);
      expect(granted.every((r) => r.maxTokens === QUOTE.maxTokens)).toBe(true);
      for (const r of results) {
        if (!r.ok) expect(r.refusal.remainingMicros).toBeLessThan(r.refusal.neededMicros);
      }
      expect(await counters(hard)).toEqual({ spentMicros: 100 * WORST, reservedMicros: 0 });
    });

    it('never settles past the limit when calls spend less than they held', async () => {
      const tenantId = await tenant();
      const hard = await pool({ tenantId, scope: 'tenant', limitMicros: 100 * WORST });
      let seed = 1;
      const random = () => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
      const results = await Promise.all(
        Array.from({ length: 500 }, (_, i) =>
          cycle(i % 2 ? budget : other, { tenantId }, (r) =>
            Math.floor(random() * (r.amountMicros + 1)),
          ),
        ),
      );
      const total = results.reduce((sum, r) => sum + (r.ok ? r.spent : 0), 0);
      expect(total).toBeLessThanOrEqual(100 * WORST);
      expect(results.filter((r) => r.ok).length).toBeGreaterThanOrEqual(100);
      for (const r of results) {
        if (r.ok) expect(r.maxTokens).toBeGreaterThanOrEqual(FLOOR);
        else expect(r.refusal.remainingMicros).toBeLessThan(r.refusal.neededMicros);
      }
      expect(await counters(hard)).toEqual({ spentMicros: total, reservedMicros: 0 });
    });
  });

  describe('one round trip each way', () => {
    it('calls Redis once to reserve, once to settle, and never when no pool applies', async () => {
      const tenantId = await tenant();
      const warm = await budget.reserve({ tenantId }, QUOTE); // no pools yet
      expect(warm).toEqual({ ok: true, reservation: null, maxTokens: 200 });
      await pool({ tenantId, scope: 'tenant', limitMicros: 10_000 });
      const first = await budget.reserve({ tenantId }, QUOTE); // loads the scripts
      if (first.ok) await budget.settle(first.reservation, 0);

      const sent = jest.spyOn(redis, 'sendCommand');
      const result = await budget.reserve({ tenantId }, QUOTE);
      expect(sent).toHaveBeenCalledTimes(1);
      if (!result.ok) throw new Error('refused');
      await budget.settle(result.reservation, 321);
      expect(sent).toHaveBeenCalledTimes(2);
      expect(sent.mock.calls.map(([c]) => c.name)).toEqual(['evalsha', 'evalsha']);

      const noPools = await tenant();
      expect(await budget.reserve({ tenantId: noPools }, QUOTE)).toEqual({
        ok: true,
        reservation: null,
        maxTokens: 200,
      });
      await budget.settle(null, 999);
      expect(sent).toHaveBeenCalledTimes(2);
    });

    it('reserves nothing for a free model, and counts no money', async () => {
      const tenantId = await tenant();
      const hard = await pool({ tenantId, scope: 'tenant', limitMicros: 0 });
      const free = { ...QUOTE, prices: { input: 0, output: 0, cachedInput: 0 } };
      expect(await budget.reserve({ tenantId }, free)).toEqual({
        ok: true,
        reservation: null,
        maxTokens: 200,
      });
      expect(await counters(hard)).toEqual({ spentMicros: 0, reservedMicros: 0 });
    });
  });

  describe('lowering and refusing', () => {
    it('lowers max tokens to what is left, then refuses below the floor', async () => {
      const tenantId = await tenant();
      const hard = await pool({ tenantId, scope: 'tenant', limitMicros: 300 });
      // 300 left − 100 input = 200 µ$ of output: 100 tokens.
      const lowered = await budget.reserve({ tenantId }, QUOTE);
      expect(lowered).toMatchObject({ ok: true, maxTokens: 100 });
      if (!lowered.ok) throw new Error('refused');
      expect(lowered.reservation).toMatchObject({ amountMicros: 300, maxTokens: 100 });

      expect(await budget.reserve({ tenantId }, QUOTE)).toEqual({
        ok: false,
        refusal: {
          poolId: hard.id,
          scope: 'tenant',
          period: 'daily',
          limitMicros: 300,
          remainingMicros: 0,
          neededMicros: 100 + FLOOR * 2,
          resetsAt: new Date('2026-11-22T00:00:00Z'),
        },
      });
      // The call used 150: 150 left pays for 25 tokens (≥ the floor of 16).
      await budget.settle(lowered.reservation, 150);
      const again = await budget.reserve({ tenantId }, QUOTE);
      expect(again).toMatchObject({ ok: true, maxTokens: 25 });
      if (!again.ok) throw new Error('refused');
      await budget.settle(again.reservation, 31);
      // 119 left: the floor needs 132.
      const refused = await budget.reserve({ tenantId }, QUOTE);
      expect(refused).toMatchObject({
        ok: false,
        refusal: { remainingMicros: 119, neededMicros: 132 },
      });
      expect(await counters(hard)).toEqual({ spentMicros: 181, reservedMicros: 0 });
    });

    it('lowers exactly as the arithmetic says, at any size', async () => {
      const tenantId = await tenant();
      const limit = 10_000_000_000_000; // $10M: spent values far above 2^32
      const hard = await pool({ tenantId, scope: 'tenant', limitMicros: limit });
      const periodKey = (await budget.statusOf(hard)).periodKey;
      let seed = 7;
      const random = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
      for (let i = 0; i < 150; i++) {
        const quote: CallQuote = {
          inputTokens: Math.floor(random() * 1_000_000),
          maxTokens: 1 + Math.floor(random() * 200_000),
          prices: {
            input: Math.floor(random() * 200_000_000),
            output: 1 + Math.floor(random() * 2_000_000_000),
            cachedInput: 0,
          },
        };
        const scaled =
          quote.inputTokens * quote.prices.input + quote.maxTokens * quote.prices.output;
        if (scaled > 2 ** 52) continue;
        const remaining = Math.floor(random() * quoteCost(quote).worstMicros * 1.3);
        await budget.setSpent(hard, periodKey, limit - remaining);
        const expected = lowerToBudget(remaining, quote, FLOOR);
        const result = await budget.reserve({ tenantId }, quote);
        if (expected.ok) {
          expect(result).toMatchObject({ ok: true, maxTokens: expected.maxTokens });
          if (!result.ok) continue;
          expect(result.reservation!.amountMicros).toBe(expected.amountMicros);
          await budget.settle(result.reservation, 0);
        } else {
          expect(result).toMatchObject({
            ok: false,
            refusal: { remainingMicros: remaining, neededMicros: expected.neededMicros },
          });
        }
      }
      expect((await counters(hard)).reservedMicros).toBe(0);
    });

    it('soft pools never refuse but show what is held and spent', async () => {
      const tenantId = await tenant();
      const soft = await pool({ tenantId, scope: 'tenant', limitMicros: 1000, mode: 'soft' });
      const held = [];
      for (let i = 0; i < 3; i++) {
        const r = await budget.reserve({ tenantId }, QUOTE);
        expect(r).toMatchObject({ ok: true, maxTokens: 200 });
        if (r.ok) held.push(r.reservation);
      }
      expect(await budget.statusOf(soft)).toMatchObject({
        spentMicros: 0,
        reservedMicros: 1500,
        remainingMicros: -500,
      });
      for (const r of held) await budget.settle(r, 500);
      expect(await budget.statusOf(soft)).toMatchObject({
        spentMicros: 1500,
        reservedMicros: 0,
        remainingMicros: -500,
      });
      expect(await budget.exhaustedHardPool({ tenantId })).toBeNull();
    });
  });

  describe('several pools at once', () => {
    it('checks tenant, key and job pools in one step: the tightest refuses, all are charged', async () => {
      const tenantId = await tenant();
      const [key, otherKey] = [await apiKey(tenantId), await apiKey(tenantId)];
      const tenantPool = await pool({ tenantId, scope: 'tenant', limitMicros: 10_000 });
      const keyPool = await pool({ tenantId, scope: 'api_key', apiKeyId: key, limitMicros: 2000 });
      const otherKeyPool = await pool({
        tenantId,
        scope: 'api_key',
        apiKeyId: otherKey,
        limitMicros: 100,
      });
      const jobPool = await pool({ tenantId, scope: 'job', limitMicros: 1000 });
      const otherKeysJobs = await pool({
        tenantId,
        scope: 'job',
        apiKeyId: otherKey,
        limitMicros: 1,
      });
      const [job1, job2, job3] = [randomUUID(), randomUUID(), randomUUID()];

      const held: Reservation[] = [];
      const reserve = async (subject: BudgetSubject) => {
        const r = await budget.reserve(subject, QUOTE);
        if (r.ok && r.reservation) held.push(r.reservation);
        return r;
      };
      // Job 1 may hold two worst cases; the third hits its job pool.
      expect(await reserve({ tenantId, apiKeyId: key, jobId: job1 })).toMatchObject({ ok: true });
      expect(await reserve({ tenantId, apiKeyId: key, jobId: job1 })).toMatchObject({ ok: true });
      expect(await reserve({ tenantId, apiKeyId: key, jobId: job1 })).toMatchObject({
        ok: false,
        refusal: { poolId: jobPool.id, scope: 'job', period: 'lifetime', remainingMicros: 0 },
      });
      // Job 2 of the same key: its own job counter, but the key pool (2000) runs out.
      expect(await reserve({ tenantId, apiKeyId: key, jobId: job2 })).toMatchObject({ ok: true });
      expect(await reserve({ tenantId, apiKeyId: key, jobId: job2 })).toMatchObject({ ok: true });
      const keyShort = await reserve({ tenantId, apiKeyId: key, jobId: job2 });
      expect(keyShort).toMatchObject({
        ok: false,
        refusal: { poolId: keyPool.id, remainingMicros: 0 },
      });
      // The other key: its own tiny key pool and job pool are the tightest.
      expect(await reserve({ tenantId, apiKeyId: otherKey, jobId: job3 })).toMatchObject({
        ok: false,
        refusal: { poolId: otherKeysJobs.id, remainingMicros: 1 },
      });
      // No job: job pools do not apply; the tenant pool still does.
      expect(await reserve({ tenantId })).toMatchObject({ ok: true });

      const c = async (p: BudgetPool, jobId?: string) => (await counters(p, jobId)).reservedMicros;
      expect(await c(tenantPool)).toBe(5 * WORST);
      expect(await c(keyPool)).toBe(4 * WORST);
      expect(await c(jobPool, job1)).toBe(2 * WORST);
      expect(await c(jobPool, job2)).toBe(2 * WORST);
      expect(await c(otherKeyPool)).toBe(0); // refusals charge nothing
      expect(await c(otherKeysJobs, job3)).toBe(0);

      // Settling releases the rest exactly, in every pool the call was held in.
      for (const r of held) await budget.settle(r, 123);
      expect(await counters(tenantPool)).toEqual({ spentMicros: 5 * 123, reservedMicros: 0 });
      expect(await counters(keyPool)).toEqual({ spentMicros: 4 * 123, reservedMicros: 0 });
      expect(await counters(jobPool, job1)).toEqual({ spentMicros: 2 * 123, reservedMicros: 0 });
      const prefix = config.redis.prefix;
      expect(await redis.exists(...held.map((r) => `${prefix}:budget:res:${r.id}`))).toBe(0);
      expect(await redis.zscore(`${prefix}:budget:reservations`, held[0].id)).toBeNull();

      const statuses = await budget.status(tenantId, { jobId: job1 });
      expect(statuses.map((s) => [s.pool.id, s.spentMicros])).toEqual([
        [tenantPool.id, 615],
        [keyPool.id, 492],
        [otherKeyPool.id, 0],
        [jobPool.id, 246],
        [otherKeysJobs.id, 0],
      ]);
      expect((await budget.status(tenantId, { apiKeyId: key })).map((s) => s.pool.id)).toEqual([
        keyPool.id,
      ]);
    });

    it('names the exhausted hard pool that stays exhausted longest', async () => {
      const tenantId = await tenant();
      const key = await apiKey(tenantId);
      const daily = await pool({ tenantId, scope: 'tenant', limitMicros: 400 });
      const monthly = await pool({
        tenantId,
        scope: 'api_key',
        apiKeyId: key,
        period: 'monthly',
        limitMicros: 400,
      });
      expect(await budget.exhaustedHardPool({ tenantId, apiKeyId: key })).toBeNull();
      const r = await budget.reserve({ tenantId, apiKeyId: key }, QUOTE);
      if (!r.ok) throw new Error('refused');
      await budget.settle(r.reservation, 400);
      const exhausted = await budget.exhaustedHardPool({ tenantId, apiKeyId: key });
      expect(exhausted).toMatchObject({
        pool: { id: monthly.id },
        spentMicros: 400,
        remainingMicros: 0,
      });
      expect(exhausted!.resetsAt).toEqual(new Date('2026-12-01T00:00:00Z'));
      // Without the key only the daily tenant pool is in play.
      expect((await budget.exhaustedHardPool({ tenantId }))?.pool.id).toBe(daily.id);
    });
  });
});
