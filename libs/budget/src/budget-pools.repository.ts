import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  ApiKeyEntity,
  BudgetAlertEntity,
  BudgetPoolEntity,
  UUID_PATTERN,
} from '@switchboard/persistence';
import type { FindOptionsWhere, Repository } from 'typeorm';
import { InvalidBudgetPoolError } from './budget.errors';
import {
  validNewPool,
  validPatch,
  type BudgetPoolPatch,
  type NewBudgetPool,
} from './budget-pool.validation';
import type { BudgetAlert, BudgetPool, BudgetScope } from './budget.types';

export interface BudgetPoolFilter {
  scope?: BudgetScope;
  apiKeyId?: string;
}

/** A threshold alert as recorded in `budget_alerts`. */
export interface BudgetAlertRecord {
  id: number;
  poolId: string;
  tenantId: string;
  periodKey: string;
  threshold: number;
  spentMicros: number;
  limitMicros: number;
  createdAt: Date;
}

/** A pool as stored: the definition, and the API key that set it (if a tenant's key did). */
export interface StoredBudgetPool extends BudgetPool {
  /** The only key that may change or delete the pool; null: the operator's pool. */
  createdByKeyId: string | null;
}

const toPool = (e: BudgetPoolEntity): StoredBudgetPool => ({
  id: e.id,
  tenantId: e.tenantId,
  scope: e.scope,
  apiKeyId: e.apiKeyId,
  period: e.period,
  limitMicros: e.limitMicros,
  mode: e.mode,
  thresholds: e.thresholds.map(Number),
  timezone: e.timezone,
  webhookUrl: e.webhookUrl,
  createdBy: e.createdBy,
  createdByKeyId: e.createdByKeyId,
  createdAt: e.createdAt,
  updatedAt: e.updatedAt,
});

const ORDER = { createdAt: 'ASC', id: 'ASC' } as const;

/**
 * Budget pool definitions and the alerts they fired (Postgres). Writes here do not reach
 * the live counters; after a change call `BudgetService.invalidate(tenantId)` so this process
 * sees it at once (others within BUDGET_POOL_CACHE_MS).
 */
@Injectable()
export class BudgetPoolsRepository {
  constructor(
    @InjectRepository(BudgetPoolEntity) private readonly pools: Repository<BudgetPoolEntity>,
    @InjectRepository(BudgetAlertEntity) private readonly alerts: Repository<BudgetAlertEntity>,
    @InjectRepository(ApiKeyEntity) private readonly apiKeys: Repository<ApiKeyEntity>,
  ) {}

  /** Throws InvalidBudgetPoolError for a bad definition or a key of another tenant. */
  async create(input: NewBudgetPool): Promise<StoredBudgetPool> {
    const pool = validNewPool(input);
    if (pool.apiKeyId !== null) {
      const key = await this.apiKeys.findOne({
        where: { id: pool.apiKeyId, tenantId: pool.tenantId },
      });
      if (!key) throw new InvalidBudgetPoolError('apiKeyId', 'no such key for this tenant');
    }
    const saved = await this.pools.save(this.pools.create({ id: randomUUID(), ...pool }));
    // Reload: the save returns defaults (timestamps) only as the driver reported them.
    return (await this.findById(saved.id))!;
  }

  /** With `tenantId`, only that tenant's pool. */
  async findById(id: string, tenantId?: string): Promise<StoredBudgetPool | null> {
    if (!UUID_PATTERN.test(id)) return null;
    const entity = await this.pools.findOne({ where: tenantId ? { id, tenantId } : { id } });
    return entity ? toPool(entity) : null;
  }

  async list(tenantId: string, filter: BudgetPoolFilter = {}): Promise<StoredBudgetPool[]> {
    if (!UUID_PATTERN.test(tenantId)) return [];
    if (filter.apiKeyId !== undefined && !UUID_PATTERN.test(filter.apiKeyId)) return [];
    // TypeORM 1 refuses undefined in `where`: add only the filters given.
    const where: FindOptionsWhere<BudgetPoolEntity> = { tenantId };
    if (filter.scope !== undefined) where.scope = filter.scope;
    if (filter.apiKeyId !== undefined) where.apiKeyId = filter.apiKeyId;
    const rows = await this.pools.find({ where, order: ORDER });
    return rows.map(toPool);
  }

  /** Every pool of the tenant: what the pool cache loads. */
  async listForTenant(tenantId: string): Promise<BudgetPool[]> {
    return this.list(tenantId);
  }

  /** Every pool of every tenant (the reconciler's walk). */
  async listAll(): Promise<BudgetPool[]> {
    return (await this.pools.find({ order: { tenantId: 'ASC', ...ORDER } })).map(toPool);
  }

  /** Null when there is no such pool. Scope, key and period cannot change. */
  async update(id: string, patch: BudgetPoolPatch): Promise<StoredBudgetPool | null> {
    const changes = validPatch(patch);
    if (!UUID_PATTERN.test(id)) return null;
    if (Object.keys(changes).length > 0) {
      const result = await this.pools.update({ id }, { ...changes, updatedAt: new Date() });
      if ((result.affected ?? 0) === 0) return null;
    }
    return this.findById(id);
  }

  /** True when a pool was deleted (its alerts go with it). */
  async remove(id: string): Promise<boolean> {
    if (!UUID_PATTERN.test(id)) return false;
    const result = await this.pools.delete({ id });
    return (result.affected ?? 0) > 0;
  }

  /**
   * Records a crossed threshold once per pool, period and threshold, across processes.
   * True when this call recorded it (and should notify); false when it was already there
   * or the pool is gone.
   */
  async recordAlert(alert: BudgetAlert): Promise<boolean> {
    const rows = await this.alerts.manager.query<{ id: string }[]>(
      `INSERT INTO budget_alerts (pool_id, tenant_id, period_key, threshold, spent_micros, limit_micros)
       SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM budget_pools WHERE id = $1)
       ON CONFLICT (pool_id, period_key, threshold) DO NOTHING
       RETURNING id`,
      [
        alert.pool.id,
        alert.pool.tenantId,
        alert.periodKey,
        alert.threshold,
        alert.spentMicros,
        alert.limitMicros,
      ],
    );
    return rows.length > 0;
  }

  /** The tenant's alerts, newest first. */
  async listAlerts(
    tenantId: string,
    options: { poolId?: string; limit?: number } = {},
  ): Promise<BudgetAlertRecord[]> {
    if (!UUID_PATTERN.test(tenantId)) return [];
    if (options.poolId !== undefined && !UUID_PATTERN.test(options.poolId)) return [];
    const where: FindOptionsWhere<BudgetAlertEntity> = { tenantId };
    if (options.poolId !== undefined) where.poolId = options.poolId;
    const rows = await this.alerts.find({
      where,
      order: { createdAt: 'DESC', id: 'DESC' },
      take: Math.min(Math.max(options.limit ?? 100, 1), 1000),
    });
    return rows.map((r) => ({
      id: Number(r.id),
      poolId: r.poolId,
      tenantId: r.tenantId,
      periodKey: r.periodKey,
      threshold: r.threshold,
      spentMicros: r.spentMicros,
      limitMicros: r.limitMicros,
      createdAt: r.createdAt,
    }));
  }
}
