import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  BUDGET_CLOCK,
  BudgetPoolsRepository,
  BudgetService,
  periodOf,
  type BudgetClock,
  type BudgetPool,
} from '@switchboard/budget';
import { Config } from '@switchboard/config';
import { InvocationSpend } from './invocation-spend.query';
import type { MaintenanceTask } from './maintenance-task';

/** Margin on top of the log's flush interval for the batch insert itself to land. */
const INSERT_MARGIN_MS = 1_000;
/** Drifted pools listed in the job's return value (all of them are logged). */
const SUMMARY_LIMIT = 50;

export interface PoolDrift {
  poolId: string;
  tenantId: string;
  scope: BudgetPool['scope'];
  periodKey: string;
  redisMicros: number;
  logMicros: number;
  /** Redis minus the log: positive when Redis counts more than the log shows. */
  driftMicros: number;
  outcome: 'reported' | 'repaired' | 'unsettled';
}

export interface ReconcileSummary {
  pools: number;
  drifted: number;
  repaired: number;
  sweptReservations: number;
  drift: PoolDrift[];
}

interface Observation {
  pool: BudgetPool;
  periodKey: string;
  redisMicros: number;
  logMicros: number;
}

/**
 * Holds each tenant and key pool's spend in Redis against the invocation log over the pool's
 * current period, logs the drift, and with BUDGET_RECONCILE_REPAIR rewrites Redis to the log's
 * sum. Job pools are left out: their counters are per job, and walking every job is not cheap.
 *
 * The log lags: an attempt is written in batches every LLM_INVOCATION_FLUSH_MS, so right after
 * a call Redis may count money the log does not show yet. Redis counters cannot be cut at a
 * time the way log rows can, so instead of trimming the last seconds on one side only (which
 * would not be sound), a drift is repaired only when it holds still: both sides are read
 * again after a flush interval, and only a pool whose counter and log sum did not move is
 * rewritten. Anything else is reported as `unsettled` and left to the next run. Expired
 * reservations are swept first, so their holds are not mistaken for spend.
 */
@Injectable()
export class BudgetReconcileTask implements MaintenanceTask {
  readonly name = 'budget-reconcile';
  readonly everyMs: number;
  private readonly logger = new Logger('BudgetReconcile');

  constructor(
    private readonly pools: BudgetPoolsRepository,
    private readonly budget: BudgetService,
    private readonly spend: InvocationSpend,
    private readonly config: Config,
    @Inject(BUDGET_CLOCK) private readonly clock: BudgetClock,
  ) {
    this.everyMs = config.budget.reconcileIntervalMs;
  }

  async run(): Promise<ReconcileSummary> {
    const sweptReservations = await this.budget.sweepExpired();
    const pools = (await this.pools.listAll()).filter((p) => p.scope !== 'job');
    const now = this.clock.now();
    const first = await Promise.all(pools.map((pool) => this.observe(pool, now)));
    const drifted = first.filter((o) => o.redisMicros !== o.logMicros);
    const outcomes = this.config.budget.reconcileRepair
      ? await this.repair(drifted, now)
      : drifted.map(() => 'reported' as const);
    const drift = drifted.map((o, i) => this.report(o, outcomes[i]));
    return {
      pools: pools.length,
      drifted: drift.length,
      repaired: drift.filter((d) => d.outcome === 'repaired').length,
      sweptReservations,
      drift: drift.slice(0, SUMMARY_LIMIT),
    };
  }

  private async observe(pool: BudgetPool, now: Date): Promise<Observation> {
    const period = periodOf(pool, now);
    // Redis first: what the log shows a moment later can only have caught up, not run ahead.
    const { spentMicros } = await this.budget.counters(pool, period.key);
    const logMicros = await this.spend.sum({
      tenantId: pool.tenantId,
      apiKeyId: pool.scope === 'api_key' ? pool.apiKeyId : null,
      from: period.start,
      to: period.resetsAt,
    });
    return { pool, periodKey: period.key, redisMicros: spentMicros, logMicros };
  }

  private async repair(drifted: Observation[], now: Date): Promise<PoolDrift['outcome'][]> {
    if (drifted.length === 0) return [];
    await new Promise((r) => setTimeout(r, this.config.llm.invocationFlushMs + INSERT_MARGIN_MS));
    return Promise.all(
      drifted.map(async (before) => {
        const after = await this.observe(before.pool, now);
        const still =
          after.redisMicros === before.redisMicros && after.logMicros === before.logMicros;
        if (!still) return 'unsettled' as const;
        // Compare-and-set: a settlement landing right now is never overwritten.
        const written = await this.budget.setSpent(
          before.pool,
          before.periodKey,
          after.logMicros,
          null,
          after.redisMicros,
        );
        return written ? ('repaired' as const) : ('unsettled' as const);
      }),
    );
  }

  private report(o: Observation, outcome: PoolDrift['outcome']): PoolDrift {
    const drift: PoolDrift = {
      poolId: o.pool.id,
      tenantId: o.pool.tenantId,
      scope: o.pool.scope,
      periodKey: o.periodKey,
      redisMicros: o.redisMicros,
      logMicros: o.logMicros,
      driftMicros: o.redisMicros - o.logMicros,
      outcome,
    };
    this.logger.warn(
      `drift in ${drift.scope} pool ${drift.poolId} (${drift.periodKey}): Redis ` +
        `${drift.redisMicros} µ$, log ${drift.logMicros} µ$ (${drift.driftMicros > 0 ? '+' : ''}` +
        `${drift.driftMicros}); ${outcome}`,
    );
    return drift;
  }
}
