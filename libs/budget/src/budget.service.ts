import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Config } from '@switchboard/config';
import { REDIS_CLIENT } from '@switchboard/redis';
import type { Redis } from 'ioredis';
import { COUNTER_GRACE_MS, planLeg, type PlannedLeg } from './budget-legs';
import { crossedThresholds, quoteCost } from './budget-math';
import { BudgetPoolsCache } from './budget-pools.cache';
import { BudgetKeys, BudgetScripts } from './budget-redis';
import { sweepExpiredBatch } from './budget-sweep';
import { budgetRefusalsTotal } from './budget.metrics';
import { SET_SPENT_SCRIPT } from './budget.scripts';
import { learnFromOverrun, writeRecord } from './ledger-writes';
import { BUDGET_ALERT_SINK, BUDGET_CLOCK } from './budget.tokens';
import type {
  BudgetAlert,
  BudgetAlertSink,
  BudgetClock,
  BudgetPool,
  BudgetScope,
  BudgetSubject,
  CallQuote,
  CallRegistration,
  SettleRecord,
  PoolStatus,
  Reservation,
  ReserveResult,
} from './budget.types';

/**
 * Expired reservations a reserve that finds some charges right after, so expiry heals
 * without a sweeper.
 */
const HEAL_BATCH = 10;
const SWEEP_BATCH = 100;

export interface BudgetStatusFilter {
  scope?: BudgetScope;
  apiKeyId?: string;
  /** Job pools count per job: with a job id their status is that job's, otherwise a fresh job's. */
  jobId?: string;
}

export interface BudgetCounters {
  spentMicros: number;
  reservedMicros: number;
}

/**
 * Budget enforcement on the live counters in Redis. Before a call, `reserve` checks every
 * pool that applies and holds the call's worst case in all of them, atomically (one script);
 * after it, `settle` counts the actual cost and returns the rest (one script).
 * Fails closed: when Redis or Postgres is unreachable, reserve rejects and no call goes out.
 */
@Injectable()
export class BudgetService {
  private readonly logger = new Logger('BudgetService');
  private readonly keys: BudgetKeys;
  private readonly scripts: BudgetScripts;
  private readonly settled = new WeakSet<Reservation>();

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly config: Config,
    private readonly pools: BudgetPoolsCache,
    @Inject(BUDGET_CLOCK) private readonly clock: BudgetClock,
    @Optional() @Inject(BUDGET_ALERT_SINK) private readonly sink?: BudgetAlertSink,
  ) {
    this.keys = new BudgetKeys(config.redis.prefix);
    this.scripts = new BudgetScripts(redis);
  }

  /**
   * Holds the call's worst case in every pool that applies, lowering max tokens to what the
   * tightest hard pool can still pay for, or refuses below BUDGET_MIN_OUTPUT_TOKENS. With a
   * `register`, the call is held even when no pool applies (or it is free), so that it is
   * logged as `lost` should its process die. No Redis call when no pool applies, the call is
   * free, and nothing registers it (reservation null).
   */
  async reserve(
    subject: BudgetSubject | null,
    quote: CallQuote,
    register?: CallRegistration,
  ): Promise<ReserveResult> {
    const pools = subject ? await this.pools.forSubject(subject) : [];
    const { worstMicros } = quoteCost(quote);
    if (!register && (pools.length === 0 || worstMicros === 0)) {
      return { ok: true, reservation: null, maxTokens: quote.maxTokens };
    }
    const now = this.clock.now();
    const charged = worstMicros === 0 ? [] : pools;
    const legs = charged.map((pool) => planLeg(this.keys, pool, now, subject?.jobId ?? null));
    const id = register?.id ?? randomUUID();
    const { reservationTtlMs, minOutputTokens } = this.config.budget;
    const reply = await this.scripts.reserve(
      [
        this.keys.reservations,
        this.keys.reservation(id),
        this.keys.inputFactors,
        ...legs.map((l) => l.counter),
      ],
      [
        id,
        reservationTtlMs,
        quote.inputTokens,
        quote.prices.input,
        quote.prices.output,
        quote.maxTokens,
        minOutputTokens,
        quote.model ?? '',
        register?.row ?? '',
        ...legs.flatMap((l) => [
          l.pool.limitMicros,
          l.pool.mode === 'hard' ? 1 : 0,
          l.counterTtlMs,
        ]),
      ],
    );
    const due = reply[0] === 1 ? reply[3] : reply[4];
    if (due > 0) await this.heal();
    if (reply[0] === 1) {
      const [, maxTokens, amountMicros, , inputTokens] = reply;
      const reservation: Reservation = {
        id,
        amountMicros,
        maxTokens,
        inputTokens,
        quote: { inputTokens: quote.inputTokens, model: quote.model },
        counters: legs.map((l) => l.counter),
        tenantId: subject?.tenantId ?? '',
        legs: legs.map(({ pool, periodKey, jobId, counterTtlMs }) => ({
          pool,
          periodKey,
          jobId,
          counterTtlMs,
        })),
      };
      return { ok: true, reservation, maxTokens };
    }
    const [, index, remainingMicros, neededMicros] = reply;
    const { pool, window } = legs[index - 1];
    budgetRefusalsTotal.inc({ scope: pool.scope });
    return {
      ok: false,
      refusal: {
        poolId: pool.id,
        scope: pool.scope,
        period: pool.period,
        limitMicros: pool.limitMicros,
        remainingMicros,
        neededMicros,
        resetsAt: window.resetsAt,
      },
    };
  }

  /**
   * Counts the call's actual cost in every pool it reserved in and returns the rest of the
   * hold, appending the call's invocation row and journaling its answer in the same script.
   * After the reservation expired (and was charged at its worst case) the charge is corrected
   * to the actual cost. Crossed alert thresholds go to the alert sink. A failed attempt
   * settles with 0 (or the partial cost it served). Without a reservation only the record is
   * written (one MULTI), if there is one.
   */
  async settle(
    reservation: Reservation | null,
    actualMicros: number,
    record: SettleRecord = {},
  ): Promise<void> {
    if (!reservation) return writeRecord(this.redis, this.keys, record);
    if (!Number.isFinite(actualMicros) || actualMicros < 0) {
      throw new RangeError(`budget settle: actual cost ${actualMicros} is not a cost`);
    }
    if (this.settled.has(reservation)) {
      this.logger.warn(`reservation ${reservation.id} settled twice; the second is ignored`);
      return;
    }
    const actual = Math.ceil(actualMicros); // money is whole micro-dollars, rounded against us
    const journal = record.journal;
    const [state, ...spent] = await this.scripts.settle(
      [
        this.keys.reservations,
        this.keys.reservation(reservation.id),
        this.keys.invocations,
        journal?.key ?? this.keys.reservation(reservation.id),
        ...reservation.counters,
      ],
      [
        reservation.id,
        actual,
        record.row ?? '',
        journal?.field ?? '',
        journal?.value ?? '',
        journal?.ttlMs ?? 0,
        ...reservation.legs.map((l) => l.counterTtlMs),
      ],
    );
    this.settled.add(reservation);
    if (state === 3) {
      this.logger.warn(
        `reservation ${reservation.id} expired and was charged as lost; corrected to ${actual} µ$`,
      );
    } else if (state === 2) {
      this.logger.warn(`reservation ${reservation.id} was unknown when settled`);
    }
    this.alertCrossed(reservation, spent);
    await learnFromOverrun(this.scripts, this.keys, reservation, record.inputTokens, {
      logger: this.logger,
      sink: this.sink,
    });
  }

  /** Charges every expired reservation at its worst case (logged as lost); how many. */
  async sweepExpired(): Promise<number> {
    let total = 0;
    for (;;) {
      const { found, charged } = await sweepExpiredBatch(
        this.redis,
        this.keys,
        this.scripts,
        SWEEP_BATCH,
      );
      total += charged;
      // A full batch may have more behind it, unless this one changed nothing (every one
      // was left for later: looping would read the same batch again).
      if (found < SWEEP_BATCH || charged === 0) return total;
    }
  }

  /**
   * Charges a few expired reservations after a reserve found some. The call's own hold is
   * already in place, so a failure here is only logged: the reconciler's sweep retries.
   */
  private async heal(): Promise<void> {
    try {
      await sweepExpiredBatch(this.redis, this.keys, this.scripts, HEAL_BATCH);
    } catch (error) {
      this.logger.warn(`charging expired reservations failed: ${(error as Error).message}`);
    }
  }

  /** The ledger stream's key (its rows are drained into the invocation log). */
  get invocationStream(): string {
    return this.keys.invocations;
  }

  /** The zset of live reservations (for the metrics collector). */
  get reservationsKey(): string {
    return this.keys.reservations;
  }

  /** The tenant's pools in their current periods (one pipeline). */
  async status(tenantId: string, filter: BudgetStatusFilter = {}): Promise<PoolStatus[]> {
    const pools = (await this.pools.forTenant(tenantId)).filter(
      (p) =>
        (filter.scope === undefined || p.scope === filter.scope) &&
        (filter.apiKeyId === undefined || p.apiKeyId === filter.apiKeyId),
    );
    return this.readStatuses(pools, filter.jobId ?? null);
  }

  async statusOf(pool: BudgetPool, jobId?: string | null): Promise<PoolStatus> {
    return (await this.readStatuses([pool], jobId ?? null))[0];
  }

  /**
   * A hard tenant or key pool of the subject whose spend has reached its limit in the current
   * period, so a job can be turned away before it is queued; null when none. Of several, the
   * one exhausted longest (lifetime first, then the latest reset).
   */
  async exhaustedHardPool(subject: BudgetSubject): Promise<PoolStatus | null> {
    const pools = (await this.pools.forSubject(subject)).filter(
      (p) => p.mode === 'hard' && p.scope !== 'job',
    );
    const exhausted = (await this.readStatuses(pools, null)).filter(
      (s) => s.spentMicros >= s.pool.limitMicros,
    );
    const lastReset = (s: PoolStatus) => s.resetsAt?.getTime() ?? Infinity;
    return exhausted.sort((x, y) => lastReset(y) - lastReset(x))[0] ?? null;
  }

  /** A pool's counters in a period (the reconciler compares them with the invocation log). */
  async counters(
    pool: BudgetPool,
    periodKey: string,
    jobId?: string | null,
  ): Promise<BudgetCounters> {
    const [spent, reserved] = await this.redis.hmget(
      this.keys.counter(pool.id, periodKey, pool.scope === 'job' ? jobId : null),
      'spent',
      'reserved',
    );
    return { spentMicros: Number(spent ?? 0), reservedMicros: Number(reserved ?? 0) };
  }

  /** Overwrites a period's spend (the reconciler's repair); reservations are left alone. */
  /**
   * Rewrites a counter's spend (reconciliation repair). With `expectedSpent`, only if the
   * counter still holds that much: a settlement that lands in between is never overwritten.
   * Returns whether it wrote.
   */
  async setSpent(
    pool: BudgetPool,
    periodKey: string,
    micros: number,
    jobId?: string | null,
    expectedSpent?: number,
  ): Promise<boolean> {
    if (!Number.isSafeInteger(micros) || micros < 0) {
      throw new RangeError(`budget setSpent: ${micros} is not an amount of micro-dollars`);
    }
    const job = pool.scope === 'job' ? (jobId ?? null) : null;
    if (pool.scope === 'job' && !job) {
      throw new RangeError('budget setSpent: a job pool needs a job id');
    }
    const key = this.keys.counter(pool.id, periodKey, job);
    const now = this.clock.now();
    const current = planLeg(this.keys, pool, now, job);
    const ttl = current.periodKey === periodKey ? current.counterTtlMs : COUNTER_GRACE_MS;
    const written = await this.redis.eval(
      SET_SPENT_SCRIPT,
      1,
      key,
      String(micros),
      expectedSpent === undefined ? '' : String(expectedSpent),
      String(ttl),
    );
    return written === 1;
  }

  /** Forget the tenant's cached pool definitions (call after editing them). */
  invalidate(tenantId: string): void {
    this.pools.invalidate(tenantId);
  }

  private alertCrossed(reservation: Reservation, spent: number[]): void {
    reservation.legs.forEach((leg, i) => {
      const [before, after] = [spent[2 * i], spent[2 * i + 1]];
      for (const threshold of crossedThresholds(
        leg.pool.thresholds,
        leg.pool.limitMicros,
        before,
        after,
      )) {
        this.alert({
          pool: leg.pool,
          periodKey: leg.jobId ? `job:${leg.jobId}` : leg.periodKey,
          jobId: leg.jobId,
          threshold,
          spentMicros: after,
          limitMicros: leg.pool.limitMicros,
        });
      }
    });
  }

  private async readStatuses(pools: BudgetPool[], jobId: string | null): Promise<PoolStatus[]> {
    const now = this.clock.now();
    const legs = pools.map((pool) => planLeg(this.keys, pool, now, jobId));
    // A job pool without a job has no counter: it shows what a fresh job may spend.
    const read = legs.filter((l) => l.pool.scope !== 'job' || l.jobId);
    const pipeline = this.redis.pipeline();
    for (const leg of read) pipeline.hmget(leg.counter, 'spent', 'reserved');
    const replies = read.length > 0 ? ((await pipeline.exec()) ?? []) : [];
    const counters = new Map<PlannedLeg, (string | null)[]>();
    read.forEach((leg, i) => {
      const [error, value] = replies[i] ?? [];
      if (error) throw error;
      counters.set(leg, value as (string | null)[]);
    });
    return legs.map((leg) => {
      const [spent, reserved] = counters.get(leg) ?? [];
      const spentMicros = Number(spent ?? 0);
      const reservedMicros = Number(reserved ?? 0);
      return {
        pool: leg.pool,
        periodKey: leg.periodKey,
        periodStart: leg.window.start,
        resetsAt: leg.window.resetsAt,
        spentMicros,
        reservedMicros,
        remainingMicros: leg.pool.limitMicros - spentMicros - reservedMicros,
      };
    });
  }

  private alert(alert: BudgetAlert): void {
    const what = `${alert.threshold}% of pool ${alert.pool.id} (${alert.periodKey})`;
    if (!this.sink) {
      this.logger.warn(
        `budget alert: ${what} reached, ${alert.spentMicros}/${alert.limitMicros} µ$`,
      );
      return;
    }
    try {
      this.sink.alert(alert);
    } catch (error) {
      this.logger.error(`budget alert sink failed on ${what}: ${(error as Error).message}`);
    }
  }
}
