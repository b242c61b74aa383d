import {
  type BudgetAlert,
  type BudgetPool,
  type BudgetPoolsRepository,
  type BudgetService,
  type BudgetSubject,
  type CallQuote,
  type NewBudgetPool,
  type Reservation,
} from '@switchboard/budget';
import { loadConfig, type Config } from '@switchboard/config';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { createBudgetKit, type BudgetKit } from '../support/budget-kit';
import { TEST_REDIS_URL } from '../support/test-services';
import { waitUntil } from '../support/worker-kit';

// Reservations a worker never settled come back after their TTL (at the next reserve, or by
// the sweep); a late settle still counts; crossed thresholds reach the sink once each, even
// when two "processes" settle at once.

const NOON = new Date('2026-11-21T12:00:00Z');
// 1 µ$ per input token, 2 µ$ per output token: 100 in + 200 out costs at most 500 µ$.
const PRICES = { input: 1_000_000, output: 2_000_000, cachedInput: 100_000 };
const QUOTE: CallQuote = { inputTokens: 100, maxTokens: 200, prices: PRICES };
const WORST = 500;
const FLOOR = 16;

describe('BudgetService expiry and alerts (Redis + PostgreSQL)', () => {
  let kit: BudgetKit;
  let config: Config;
  let budget: BudgetService;
  let pools: BudgetPoolsRepository;
  let alerts: BudgetAlert[];
  let other: BudgetService;
  let otherRedis: Redis;

  beforeAll(async () => {
    kit = await createBudgetKit('budget-expiry-alerts-int-spec', {
      BUDGET_POOL_CACHE_MS: '0',
      BUDGET_MIN_OUTPUT_TOKENS: String(FLOOR),
    });
    kit.clock.at = NOON;
    ({ config, budget, pools, alerts } = kit);
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

  describe('expiry', () => {
    let shortLived: BudgetService;
    beforeAll(() => {
      shortLived = kit.serviceWith(
        loadConfig({ ...kit.env.env, BUDGET_RESERVATION_TTL_MS: '500' }),
      );
    });

    it('charges a hold never settled at its worst case, at the next reserve or by the sweep', async () => {
      const tenantId = await tenant();
      const hard = await pool({ tenantId, scope: 'tenant', limitMicros: 10_000 });
      const lost = await shortLived.reserve({ tenantId }, QUOTE); // its worker "dies"
      expect(lost.ok).toBe(true);
      expect(await counters(hard)).toEqual({ spentMicros: 0, reservedMicros: WORST });
      // Once it has expired, the next reservation (anyone's) charges it on its way: the
      // provider may have served it, so the budget never believes less was spent.
      await waitUntil(async () => {
        const r = await budget.reserve({ tenantId }, QUOTE);
        if (!r.ok) throw new Error('refused');
        await budget.settle(r.reservation, 0);
        return (await counters(hard)).reservedMicros === 0;
      }, 'the expired hold to be charged');
      expect(await counters(hard)).toEqual({ spentMicros: WORST, reservedMicros: 0 });

      await shortLived.reserve({ tenantId }, QUOTE);
      await shortLived.reserve({ tenantId }, QUOTE);
      expect((await counters(hard)).reservedMicros).toBe(2 * WORST);
      let swept = 0;
      await waitUntil(async () => (swept += await budget.sweepExpired()) >= 2, 'a sweep');
      expect(await counters(hard)).toEqual({ spentMicros: 3 * WORST, reservedMicros: 0 });
      expect(await budget.sweepExpired()).toBe(0);
    });

    it('logs a registered call that expired as lost, with its worst case', async () => {
      const tenantId = await tenant();
      await pool({ tenantId, scope: 'tenant', limitMicros: 10_000 });
      const id = randomUUID();
      const row = JSON.stringify({ id, provider: 'p', model: 'm', outcome: 'lost' });
      const held = await shortLived.reserve({ tenantId }, QUOTE, { id, row });
      if (!held.ok) throw new Error('refused');
      const stream = budget.invocationStream;
      await waitUntil(async () => (await budget.sweepExpired()) >= 1, 'the hold to expire');
      const entries = await kit.redis.xrange(stream, '-', '+');
      const mine = entries.find(([, fields]) => fields[1] === row);
      expect(mine).toBeDefined();
      const [charged, input, max] = mine![1][3].split(',').map(Number);
      expect({ charged, input, max }).toEqual({ charged: WORST, input: 100, max: 200 });
    });

    it('corrects the worst-case charge when the settle comes after expiry', async () => {
      const tenantId = await tenant();
      const hard = await pool({ tenantId, scope: 'tenant', limitMicros: 10_000 });
      const slow = await shortLived.reserve({ tenantId }, QUOTE);
      if (!slow.ok) throw new Error('refused');
      await waitUntil(async () => (await budget.sweepExpired()) >= 1, 'the hold to expire');
      expect(await counters(hard)).toEqual({ spentMicros: WORST, reservedMicros: 0 });
      await shortLived.settle(slow.reservation, 420);
      expect(await counters(hard)).toEqual({ spentMicros: 420, reservedMicros: 0 });
      // A second settle of the same reservation changes nothing.
      await shortLived.settle(slow.reservation, 420);
      expect((await counters(hard)).spentMicros).toBe(420);
    });

    it('registers a call with no pool (or a free one) so that it is logged if lost', async () => {
      const tenantId = await tenant(); // no pools at all
      const id = randomUUID();
      const free = { ...QUOTE, prices: { input: 0, output: 0, cachedInput: 0 } };
      const held = await budget.reserve({ tenantId }, free, { id, row: '{}' });
      expect(held).toMatchObject({ ok: true, reservation: { id, amountMicros: 0 } });
      expect(await kit.redis.zscore(`${config.redis.prefix}:budget:reservations`, id)).not.toBe(
        null,
      );
      await budget.settle(held.ok ? held.reservation : null, 0, { row: '{"id":"x"}' });
      expect(await kit.redis.zscore(`${config.redis.prefix}:budget:reservations`, id)).toBe(null);
    });
  });

  describe('alerts', () => {
    it('reports each threshold once, however many settlements race past it', async () => {
      const tenantId = await tenant();
      const hard = await pool({ tenantId, scope: 'tenant', limitMicros: 100 * WORST });
      const soft = await pool({
        tenantId,
        scope: 'tenant',
        limitMicros: 20 * WORST,
        mode: 'soft',
        thresholds: [50, 150, 400],
      });
      await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          cycle(i % 2 ? budget : other, { tenantId }, (r) => r.amountMicros),
        ),
      );
      const of = (p: BudgetPool) =>
        alerts
          .filter((a) => a.pool.id === p.id)
          .map((a) => a.threshold)
          .sort((x, y) => x - y);
      expect(of(hard)).toEqual([80, 90, 95, 100]);
      expect(of(soft)).toEqual([50, 150, 400]);
      const hundred = alerts.find((a) => a.pool.id === hard.id && a.threshold === 100)!;
      expect(hundred).toMatchObject({
        periodKey: '2026-11-21',
        jobId: null,
        spentMicros: 100 * WORST,
        limitMicros: 100 * WORST,
      });
    });

    it('keys a job pool alert to its job', async () => {
      const tenantId = await tenant();
      const jobPool = await pool({ tenantId, scope: 'job', limitMicros: WORST, thresholds: [100] });
      const jobId = randomUUID();
      await cycle(budget, { tenantId, jobId }, (r) => r.amountMicros);
      expect(alerts.filter((a) => a.pool.id === jobPool.id)).toMatchObject([
        { periodKey: `job:${jobId}`, jobId, threshold: 100 },
      ]);
    });
  });
});
