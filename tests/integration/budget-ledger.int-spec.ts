import { Logger } from '@nestjs/common';
import {
  BudgetPoolsCache,
  BudgetService,
  type BudgetAlertSink,
  type BudgetPool,
  type CallQuote,
  type InputBoundAlert,
  type Reservation,
} from '@switchboard/budget';
import { loadConfig } from '@switchboard/config';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { createBudgetKit, type BudgetKit } from '../support/budget-kit';
import { waitUntil } from '../support/worker-kit';

// What the spend ledger writes along with a settlement, on real Redis and PostgreSQL: the
// learned input multiplier when a provider counted more input than the call reserved (and
// the alert naming the model), the invocation row and the journaled answer (with or without
// a reservation), and the correction of a charge made when a reservation expired.

const NOON = new Date('2026-11-21T12:00:00Z');
// 1 µ$ per input token, 2 µ$ per output token: 100 in + 200 out costs at most 500 µ$.
const PRICES = { input: 1_000_000, output: 2_000_000, cachedInput: 100_000 };
const WORST = 500;

describe('BudgetService ledger writes (Redis + PostgreSQL)', () => {
  let kit: BudgetKit;
  let redis: Redis;
  let stream: string;
  let prefix: string;

  beforeAll(async () => {
    kit = await createBudgetKit('budget-ledger-int-spec', { BUDGET_POOL_CACHE_MS: '0' });
    kit.clock.at = NOON;
    redis = kit.redis;
    prefix = kit.config.redis.prefix;
    stream = kit.budget.invocationStream;
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    await kit?.close();
  });

  /** A tenant with a daily hard pool large enough for every call of a test. */
  const funded = async (limitMicros = 1_000_000) => {
    const tenantId = await kit.tenant();
    const pool = await kit.pools.create({
      tenantId,
      scope: 'tenant',
      period: 'daily',
      limitMicros,
    });
    return { tenantId, pool };
  };
  const quote = (model?: string, inputTokens = 100): CallQuote => ({
    inputTokens,
    maxTokens: 200,
    prices: PRICES,
    model,
  });
  const held = async (
    service: BudgetService,
    tenantId: string,
    q: CallQuote,
  ): Promise<Reservation> => {
    const result = await service.reserve({ tenantId }, q);
    if (!result.ok || !result.reservation) throw new Error('not held');
    return result.reservation;
  };
  const counters = async (pool: BudgetPool) =>
    kit.budget.counters(pool, (await kit.budget.statusOf(pool)).periodKey);
  const learned = (model: string) => redis.hget(`${prefix}:budget:input-factor`, model);
  const entriesWith = async (text: string) =>
    (await redis.xrange(stream, '-', '+')).filter(([, fields]) => fields.includes(text));
  const journalKey = () => `${prefix}:journal:${randomUUID()}`;

  describe('input bound overruns', () => {
    const reports: InputBoundAlert[] = [];
    let budget: BudgetService;
    const sink: BudgetAlertSink = {
      alert: () => undefined,
      inputBoundExceeded: (alert) => void reports.push(alert),
    };
    const withSink = (s?: BudgetAlertSink) =>
      new BudgetService(redis, kit.config, kit.moduleRef.get(BudgetPoolsCache), kit.clock, s);

    beforeAll(() => {
      budget = withSink(sink);
    });
    beforeEach(() => {
      reports.length = 0;
    });
    const silenced = () =>
      jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

    it('reserves more input for the model next time, and alerts naming it', async () => {
      const errors = silenced();
      const { tenantId, pool } = await funded();
      const model = `m-${randomUUID()}`;
      const first = await held(budget, tenantId, quote(model));
      expect([first.inputTokens, first.amountMicros]).toEqual([100, WORST]);
      await budget.settle(first, 450, { inputTokens: 150 });
      // The settlement itself counted the truth.
      expect((await counters(pool)).spentMicros).toBe(450);
      expect(reports).toEqual([
        { model, reservedInputTokens: 100, reportedInputTokens: 150, tenantId },
      ]);
      expect(await learned(model)).toBe('1.5');
      expect(errors).toHaveBeenCalledWith(
        expect.stringMatching(new RegExp(`^input bound too low for model ${model}: .*150.*100`)),
      );

      const next = await held(budget, tenantId, quote(model));
      expect([next.inputTokens, next.amountMicros]).toEqual([150, 150 + 400]);
      // Its quote keeps the catalogue's bound: a further overrun is measured against it.
      expect(next.quote).toEqual({ inputTokens: 100, model });
      const otherModel = await held(budget, tenantId, quote(`m-${randomUUID()}`));
      expect(otherModel.inputTokens).toBe(100);
      await budget.settle(next, 0);
      await budget.settle(otherModel, 0);
    });

    it('changes nothing while the provider stays within the reserved input', async () => {
      const { tenantId } = await funded();
      const model = `m-${randomUUID()}`;
      for (const reported of [100, 60, undefined]) {
        const r = await held(budget, tenantId, quote(model));
        await budget.settle(r, 100, reported === undefined ? {} : { inputTokens: reported });
      }
      expect(reports).toEqual([]);
      expect(await learned(model)).toBeNull();
      expect((await held(budget, tenantId, quote(model))).inputTokens).toBe(100);
    });

    it('scales past a learned multiplier only when the provider overruns the scaled bound', async () => {
      silenced();
      const { tenantId } = await funded();
      const model = `m-${randomUUID()}`;
      // Two calls in flight before anything is learned; the larger overrun wins.
      const [a, b] = [
        await held(budget, tenantId, quote(model)),
        await held(budget, tenantId, quote(model)),
      ];
      await budget.settle(a, 0, { inputTokens: 200 });
      await budget.settle(b, 0, { inputTokens: 150 });
      expect(await learned(model)).toBe('2');
      expect(reports.map((r) => r.reportedInputTokens)).toEqual([200, 150]);

      const scaled = await held(budget, tenantId, quote(model));
      expect(scaled.inputTokens).toBe(200);
      await budget.settle(scaled, 0, { inputTokens: 180 }); // within the scaled bound
      expect(reports).toHaveLength(2);
      const again = await held(budget, tenantId, quote(model));
      await budget.settle(again, 0, { inputTokens: 250 });
      expect(reports.at(-1)).toMatchObject({ reservedInputTokens: 200, reportedInputTokens: 250 });
      expect(await learned(model)).toBe('2.5');
    });

    it('learns nothing for a call without a model or without an input bound', async () => {
      const { tenantId } = await funded();
      const model = `m-${randomUUID()}`;
      const anonymous = await held(budget, tenantId, quote(undefined));
      await budget.settle(anonymous, 0, { inputTokens: 1_000 });
      const unbounded = await held(budget, tenantId, quote(model, 0));
      await budget.settle(unbounded, 0, { inputTokens: 1_000 });
      expect(reports).toEqual([]);
      expect(await learned(model)).toBeNull();
    });

    it('settles and learns even when the sink fails, or there is none to tell', async () => {
      const errors = silenced();
      const { tenantId, pool } = await funded();
      const failing = withSink({
        alert: () => undefined,
        inputBoundExceeded: () => {
          throw new Error('sink down');
        },
      });
      const model = `m-${randomUUID()}`;
      await failing.settle(await held(failing, tenantId, quote(model)), 10, { inputTokens: 120 });
      expect(await learned(model)).toBe('1.2');
      expect(errors).toHaveBeenCalledWith('budget alert sink failed: sink down');

      for (const service of [withSink(), withSink({ alert: () => undefined })]) {
        const other = `m-${randomUUID()}`;
        await service.settle(await held(service, tenantId, quote(other)), 10, {
          inputTokens: 130,
        });
        expect(await learned(other)).toBe('1.3');
      }
      expect((await counters(pool)).spentMicros).toBe(30);
    });
  });

  describe('records written with a settlement', () => {
    it('without a reservation: the row and the journaled answer, the journal with its TTL', async () => {
      const row = JSON.stringify({ id: randomUUID(), outcome: 'ok' });
      const key = journalKey();
      const answer = JSON.stringify({ text: 'the answer' });
      await kit.budget.settle(null, 0, {
        row,
        journal: { key, field: '3', value: answer, ttlMs: 60_000 },
      });
      expect((await entriesWith(row)).map(([, fields]) => fields)).toEqual([['r', row]]);
      expect(await redis.hgetall(key)).toEqual({ '3': answer });
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    });

    it('without a reservation: only what it is given', async () => {
      const before = await redis.xlen(stream);
      await kit.budget.settle(null, 0);
      await kit.budget.settle(null, 0, {});
      expect(await redis.xlen(stream)).toBe(before);

      const key = journalKey();
      await kit.budget.settle(null, 0, {
        journal: { key, field: '0', value: '{}', ttlMs: 60_000 },
      });
      expect(await redis.xlen(stream)).toBe(before);
      expect(await redis.hget(key, '0')).toBe('{}');

      const row = JSON.stringify({ id: randomUUID() });
      await kit.budget.settle(null, 0, { row });
      expect(await entriesWith(row)).toHaveLength(1);
    });

    it('without a reservation: fails when the answer cannot be journaled', async () => {
      const key = journalKey();
      await redis.set(key, 'not a hash');
      const settle = kit.budget.settle(null, 0, {
        journal: { key, field: '0', value: '{}', ttlMs: 60_000 },
      });
      await expect(settle).rejects.toThrow(/WRONGTYPE/);
    });

    it('with a reservation: the row and the answer in the settling script', async () => {
      const { tenantId, pool } = await funded();
      const reservation = await held(kit.budget, tenantId, quote('m'));
      const key = journalKey();
      const row = JSON.stringify({ id: reservation.id, outcome: 'ok' });
      await kit.budget.settle(reservation, 321, {
        row,
        journal: { key, field: '7', value: '{"text":"paid for"}', ttlMs: 90_000 },
      });
      expect(await counters(pool)).toEqual({ spentMicros: 321, reservedMicros: 0 });
      expect(await entriesWith(row)).toHaveLength(1);
      expect(await redis.hget(key, '7')).toBe('{"text":"paid for"}');
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(60_000);
      expect(ttl).toBeLessThanOrEqual(90_000);
    });

    it('with a reservation and no record: nothing appended, nothing journaled', async () => {
      const { tenantId, pool } = await funded();
      const before = await redis.xlen(stream);
      await kit.budget.settle(await held(kit.budget, tenantId, quote('m')), 5);
      expect(await redis.xlen(stream)).toBe(before);
      expect(await counters(pool)).toEqual({ spentMicros: 5, reservedMicros: 0 });
    });

    it('refuses an actual cost that is not one', async () => {
      const { tenantId } = await funded();
      const reservation = await held(kit.budget, tenantId, quote('m'));
      await expect(kit.budget.settle(reservation, -1)).rejects.toThrow(RangeError);
      await expect(kit.budget.settle(reservation, Number.NaN)).rejects.toThrow(RangeError);
      await kit.budget.settle(reservation, 0);
    });
  });

  describe('a settlement after the reservation expired', () => {
    let shortLived: BudgetService;
    beforeAll(() => {
      shortLived = kit.serviceWith(
        loadConfig({ ...kit.env.env, BUDGET_RESERVATION_TTL_MS: '500' }),
      );
    });
    /** A reservation left to expire, and charged at its worst case by the sweep. */
    const expired = async (tenantId: string) => {
      const reservation = await held(shortLived, tenantId, quote('m'));
      await waitUntil(async () => (await kit.budget.sweepExpired()) >= 1, 'the hold to expire');
      return reservation;
    };

    it('corrects the charge down, but never below zero spent', async () => {
      const warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const { tenantId, pool } = await funded(10_000);
      const reservation = await expired(tenantId);
      expect(await counters(pool)).toEqual({ spentMicros: WORST, reservedMicros: 0 });
      // The reconciler has since rewritten the period's spend below the lost charge.
      const { periodKey } = await kit.budget.statusOf(pool);
      expect(await kit.budget.setSpent(pool, periodKey, 100, null, WORST)).toBe(true);
      await shortLived.settle(reservation, 20); // corrects by 20 − 500
      expect(await counters(pool)).toEqual({ spentMicros: 0, reservedMicros: 0 });
      expect(warnings).toHaveBeenCalledWith(
        `reservation ${reservation.id} expired and was charged as lost; corrected to 20 µ$`,
      );
    });

    it('leaves alone a counter that is gone by then', async () => {
      jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const { tenantId } = await funded(10_000);
      const reservation = await expired(tenantId);
      const [counter] = reservation.counters;
      await redis.del(counter); // its period ended and the counter expired
      await shortLived.settle(reservation, 20);
      expect(await redis.exists(counter)).toBe(0);
    });

    it('still counts the money of a reservation it no longer knows', async () => {
      const warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const { tenantId, pool } = await funded(10_000);
      const reservation = await expired(tenantId);
      // Its hash outlived the expiry by days, and is gone now.
      await redis.del(`${prefix}:budget:res:${reservation.id}`);
      await shortLived.settle(reservation, 20);
      expect(await counters(pool)).toEqual({ spentMicros: WORST + 20, reservedMicros: 0 });
      expect(warnings).toHaveBeenCalledWith(
        `reservation ${reservation.id} was unknown when settled`,
      );
    });
  });
});
