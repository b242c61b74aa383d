import type { CallQuote, Reservation } from '@switchboard/budget';
import { loadConfig } from '@switchboard/config';
import { Redis } from 'ioredis';
import { createBudgetKit, type BudgetKit } from '../support/budget-kit';
import { TEST_REDIS_URL } from '../support/test-services';
import { waitUntil } from '../support/worker-kit';

// The sweep reads the expired reservations' names before its script runs (so that it passes
// every key in KEYS); settlements and other sweepers race it in between. Whatever the order,
// each expired call ends up counted once, at its actual cost, and nothing stays reserved.

const PRICES = { input: 1_000_000, output: 2_000_000, cachedInput: 0 };
const QUOTE: CallQuote = { inputTokens: 100, maxTokens: 200, prices: PRICES };
const CALLS = 40;

describe('expired reservations swept while they settle (Redis + PostgreSQL)', () => {
  let kit: BudgetKit;
  let otherRedis: Redis;

  beforeAll(async () => {
    kit = await createBudgetKit('budget-sweep-race-int-spec', { BUDGET_POOL_CACHE_MS: '0' });
    otherRedis = new Redis(TEST_REDIS_URL);
  });

  afterAll(async () => {
    otherRedis?.disconnect();
    await kit?.close();
  });

  it('counts each call once, at its actual cost, with sweepers and settlements racing', async () => {
    const tenantId = await kit.tenant();
    const pool = await kit.pools.create({
      tenantId,
      scope: 'tenant',
      period: 'lifetime',
      limitMicros: 1_000_000,
    });
    const shortLived = kit.serviceWith(
      loadConfig({ ...kit.env.env, BUDGET_RESERVATION_TTL_MS: '500' }),
    );
    const other = kit.serviceWith(kit.config, otherRedis);
    // At once: a reserve that finds expired holds would charge them itself.
    const held: Reservation[] = (
      await Promise.all(
        Array.from({ length: CALLS }, () => shortLived.reserve({ tenantId }, QUOTE)),
      )
    ).map((r) => {
      if (!r.ok || !r.reservation) throw new Error('refused');
      return r.reservation;
    });
    const zset = kit.budget.reservationsKey;
    await waitUntil(async () => {
      const [seconds] = await kit.redis.time();
      return (await kit.redis.zcount(zset, Number(seconds) * 1000, '+inf')) === 0;
    }, 'every hold to expire');

    // Half of the calls settle while two sweepers (two connections) charge the expired ones.
    const actual = (i: number) => 10 + i;
    const settling = held
      .filter((_, i) => i % 2 === 0)
      .map((r) => shortLived.settle(r, actual(held.indexOf(r))));
    const [swept1, swept2] = await Promise.all([
      kit.budget.sweepExpired(),
      other.sweepExpired(),
      ...settling,
    ]);
    // The rest settle after their charge: each corrects it to its actual cost.
    for (const [i, r] of held.entries()) if (i % 2 === 1) await shortLived.settle(r, actual(i));

    const status = await kit.budget.statusOf(pool);
    const total = held.reduce((sum, _, i) => sum + actual(i), 0);
    expect({ spent: status.spentMicros, reserved: status.reservedMicros }).toEqual({
      spent: total,
      reserved: 0,
    });
    expect(Number(swept1) + Number(swept2)).toBeLessThanOrEqual(CALLS);
    expect(await kit.redis.zcard(zset)).toBe(0);
  });
});
