import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { Config } from '@switchboard/config';
import { metricsEnabled, PeriodicRead } from '@switchboard/observability';
import { BudgetService } from './budget.service';
import { recordBudgetPools, type PoolGaugeReading } from './budget.metrics';
import type { PoolStatus } from './budget.types';

/** How often the opted-in pools are read: about one scrape interval. */
export const BUDGET_POOL_REFRESH_MS = 15_000;

/**
 * Reads, on a timer in the API, the pools of the tenants named in METRICS_TENANT_LABELS (and
 * no other): their definitions through the pool cache, their counters in one Redis pipeline
 * per tenant. Job pools are left out (a job pool's counter is per job). Of several pools with
 * the same tenant, scope and period (one per API key), the one nearest its limit is reported.
 * Nothing runs when no tenant is named or METRICS_ENABLED=false.
 */
@Injectable()
export class BudgetPoolCollector implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly periodic: PeriodicRead;

  constructor(
    private readonly config: Config,
    private readonly budget: BudgetService,
  ) {
    const logger = new Logger('BudgetPoolMetrics');
    this.periodic = new PeriodicRead(
      'opted-in budget pools',
      BUDGET_POOL_REFRESH_MS,
      () => this.read(),
      logger,
    );
  }

  onApplicationBootstrap(): void {
    if (metricsEnabled() && this.config.metrics.tenantLabels.length > 0) this.periodic.start();
  }

  /** Stops before Redis closes; a read in flight ends on its own. */
  onModuleDestroy(): void {
    this.periodic.stop();
  }

  /** One read; a read still running is not doubled. */
  refresh(): Promise<void> {
    return this.periodic.refresh();
  }

  private async read(): Promise<void> {
    const tenants = this.config.metrics.tenantLabels;
    const statuses = await Promise.all(tenants.map((t) => this.budget.status(t)));
    recordBudgetPools(tenants.flatMap((tenant, i) => readings(tenant, statuses[i])));
  }
}

/** One reading per scope and period: the pool nearest its limit. */
function readings(tenant: string, statuses: PoolStatus[]): PoolGaugeReading[] {
  const byKey = new Map<string, PoolGaugeReading>();
  const used = (r: PoolGaugeReading) =>
    r.limitMicros > 0 ? (r.spentMicros + r.reservedMicros) / r.limitMicros : Infinity;
  for (const s of statuses) {
    if (s.pool.scope === 'job') continue;
    const reading: PoolGaugeReading = {
      tenant,
      scope: s.pool.scope,
      period: s.pool.period,
      spentMicros: s.spentMicros,
      limitMicros: s.pool.limitMicros,
      reservedMicros: s.reservedMicros,
    };
    const key = `${reading.scope}/${reading.period}`;
    const before = byKey.get(key);
    if (!before || used(reading) > used(before)) byKey.set(key, reading);
  }
  return [...byKey.values()];
}
