import type {
  BudgetPool,
  BudgetPoolsRepository,
  BudgetService,
  CallQuote,
  NewBudgetPool,
} from '@switchboard/budget';
import type { Redis } from 'ioredis';
import { createBudgetKit, type BudgetKit } from '../support/budget-kit';

// Budget periods on real Redis with an injected clock: counters roll over at local midnight,
// on Monday and on the 1st in the pool's zone; lifetime pools never do. No alert sink is
// bound here, so crossed thresholds are only logged.

const DAY_MS = 86_400_000;

// 1 µ$ per token in and out: 100 in + 400 out costs at most 500 µ$.
const QUOTE: CallQuote = {
  inputTokens: 100,
  maxTokens: 400,
  prices: { input: 1_000_000, output: 1_000_000, cachedInput: 0 },
};

describe('BudgetService periods (Redis, injected clock)', () => {
  let kit: BudgetKit;
  let redis: Redis;
  let budget: BudgetService;
  let pools: BudgetPoolsRepository;
  let prefix: string;

  beforeAll(async () => {
    kit = await createBudgetKit(
      'budget-periods-int-spec',
      { BUDGET_POOL_CACHE_MS: '0' },
      { sink: false },
    );
    ({ redis, budget, pools } = kit);
    prefix = kit.config.redis.prefix;
  });

  afterAll(async () => {
    await kit?.close();
  });

  const set = (iso: string) => (kit.clock.at = new Date(iso));

  async function poolOf(input: Omit<NewBudgetPool, 'tenantId' | 'scope'>): Promise<BudgetPool> {
    const tenantId = await kit.tenant();
    return pools.create({ tenantId, scope: 'tenant', ...input });
  }

  /** Reserves the worst case and settles `micros` of it. */
  async function spend(pool: BudgetPool, micros: number): Promise<void> {
    const result = await budget.reserve({ tenantId: pool.tenantId }, QUOTE);
    if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.refusal)}`);
    await budget.settle(result.reservation, micros);
  }

  const status = async (pool: BudgetPool) => {
    const s = await budget.statusOf(pool);
    return {
      key: s.periodKey,
      start: s.periodStart?.toISOString() ?? null,
      resets: s.resetsAt?.toISOString() ?? null,
      spent: s.spentMicros,
      remaining: s.remainingMicros,
    };
  };

  it('starts a fresh day at midnight in the pool zone, not in UTC', async () => {
    const pool = await poolOf({ period: 'daily', limitMicros: 1000, timezone: 'America/New_York' });
    set('2026-11-21T17:00:00Z'); // noon in New York
    await spend(pool, 600);
    expect(await status(pool)).toEqual({
      key: '2026-11-21',
      start: '2026-11-21T05:00:00.000Z',
      resets: '2026-11-22T05:00:00.000Z',
      spent: 600,
      remaining: 400,
    });
    // 400 left: the call is lowered to 300 output tokens.
    expect(await budget.reserve({ tenantId: pool.tenantId }, QUOTE)).toMatchObject({
      ok: true,
      maxTokens: 300,
    });
    await budget.sweepExpired(); // nothing expired: the hold stays
    set('2026-11-22T04:59:59Z'); // past midnight UTC, still Nov 21 in New York
    expect((await status(pool)).key).toBe('2026-11-21');
    expect(await budget.reserve({ tenantId: pool.tenantId }, QUOTE)).toMatchObject({ ok: false });

    set('2026-11-22T05:00:00Z');
    expect(await status(pool)).toEqual({
      key: '2026-11-22',
      start: '2026-11-22T05:00:00.000Z',
      resets: '2026-11-23T05:00:00.000Z',
      spent: 0,
      remaining: 1000,
    });
    expect(await budget.reserve({ tenantId: pool.tenantId }, QUOTE)).toMatchObject({
      ok: true,
      maxTokens: 400,
    });
  });

  it('keeps a counter a few days past its period, and the exhausted check follows the clock', async () => {
    const pool = await poolOf({ period: 'daily', limitMicros: 500 });
    set('2026-03-10T18:00:00Z');
    await spend(pool, 500);
    expect(await budget.exhaustedHardPool({ tenantId: pool.tenantId })).toMatchObject({
      periodKey: '2026-03-10',
      resetsAt: new Date('2026-03-11T00:00:00Z'),
    });
    // TTL: 6 hours to midnight plus 3 days of grace.
    const ttl = await redis.pttl(`${prefix}:budget:${pool.id}:2026-03-10`);
    expect(ttl).toBeGreaterThan(3 * DAY_MS);
    expect(ttl).toBeLessThanOrEqual(3 * DAY_MS + 6 * 3_600_000);
    set('2026-03-11T00:00:00Z');
    expect(await budget.exhaustedHardPool({ tenantId: pool.tenantId })).toBeNull();
  });

  it('counts a call settled after midnight in the period it reserved in', async () => {
    const pool = await poolOf({ period: 'daily', limitMicros: 1000 });
    set('2026-05-01T23:59:59Z');
    const held = await budget.reserve({ tenantId: pool.tenantId }, QUOTE);
    if (!held.ok) throw new Error('refused');
    set('2026-05-02T00:00:01Z');
    await budget.settle(held.reservation, 321);
    expect(await budget.counters(pool, '2026-05-01')).toEqual({
      spentMicros: 321,
      reservedMicros: 0,
    });
    expect(await status(pool)).toMatchObject({ key: '2026-05-02', spent: 0 });
  });

  it('rolls weekly pools over on Monday in the pool zone', async () => {
    const pool = await poolOf({ period: 'weekly', limitMicros: 1000, timezone: 'Europe/Berlin' });
    set('2026-11-22T22:59:59Z'); // Sunday 23:59:59 in Berlin (+01:00)
    await spend(pool, 700);
    expect(await status(pool)).toMatchObject({
      key: '2026-W47',
      start: '2026-11-15T23:00:00.000Z',
      resets: '2026-11-22T23:00:00.000Z',
      spent: 700,
    });
    set('2026-11-22T23:00:00Z'); // Monday 00:00 in Berlin
    expect(await status(pool)).toMatchObject({ key: '2026-W48', spent: 0, remaining: 1000 });
  });

  it('rolls monthly pools over on the 1st, across a DST change and a year end', async () => {
    const pool = await poolOf({ period: 'monthly', limitMicros: 1000, timezone: 'Europe/Berlin' });
    set('2026-10-31T22:59:59Z'); // Oct 31 23:59:59 (+01:00, after the Oct 25 change)
    await spend(pool, 900);
    expect(await status(pool)).toMatchObject({
      key: '2026-10',
      start: '2026-09-30T22:00:00.000Z',
      resets: '2026-10-31T23:00:00.000Z',
      spent: 900,
    });
    set('2026-10-31T23:00:00Z');
    expect(await status(pool)).toMatchObject({ key: '2026-11', spent: 0 });
    set('2026-12-31T23:00:00Z'); // New Year in Berlin
    await spend(pool, 100);
    expect(await status(pool)).toMatchObject({
      key: '2027-01',
      resets: '2027-01-31T23:00:00.000Z',
      spent: 100,
    });
    expect(await budget.counters(pool, '2026-10')).toMatchObject({ spentMicros: 900 });
  });

  it('never resets a lifetime pool, whose counter does not expire', async () => {
    const pool = await poolOf({ period: 'lifetime', limitMicros: 1000 });
    set('2026-01-01T00:00:00Z');
    await spend(pool, 250);
    set('2031-06-15T12:00:00Z');
    await spend(pool, 250);
    expect(await status(pool)).toEqual({
      key: 'lifetime',
      start: null,
      resets: null,
      spent: 500,
      remaining: 500,
    });
    expect(await redis.pttl(`${prefix}:budget:${pool.id}:lifetime`)).toBe(-1);
  });

  it('lets the reconciler read and rewrite a period', async () => {
    const pool = await poolOf({ period: 'daily', limitMicros: 1000 });
    set('2026-07-04T10:00:00Z');
    await spend(pool, 50);
    await budget.setSpent(pool, '2026-07-04', 700);
    expect(await budget.counters(pool, '2026-07-04')).toEqual({
      spentMicros: 700,
      reservedMicros: 0,
    });
    expect(await redis.pttl(`${prefix}:budget:${pool.id}:2026-07-04`)).toBeGreaterThan(3 * DAY_MS);
    expect(await budget.reserve({ tenantId: pool.tenantId }, QUOTE)).toMatchObject({
      ok: true,
      maxTokens: 200,
    });
  });
});
