import { Injectable } from '@nestjs/common';
import { Config } from '@switchboard/config';
import { BudgetPoolsRepository } from './budget-pools.repository';
import type { BudgetPool, BudgetSubject } from './budget.types';

interface Entry {
  pools: BudgetPool[];
  loadedAt: number;
}

/**
 * Each tenant's pool definitions, trusted for BUDGET_POOL_CACHE_MS (0: read every time), so
 * a reservation normally costs no Postgres query. Concurrent loads of one tenant share a query.
 */
@Injectable()
export class BudgetPoolsCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<BudgetPool[]>>();
  // Bumped by invalidate(): a load that started earlier must not store what it read.
  private readonly generations = new Map<string, number>();

  constructor(
    private readonly repository: BudgetPoolsRepository,
    private readonly config: Config,
  ) {}

  /** Every pool of the tenant. */
  async forTenant(tenantId: string): Promise<BudgetPool[]> {
    const ttl = this.config.budget.poolCacheMs;
    const entry = this.entries.get(tenantId);
    if (entry && ttl > 0 && Date.now() - entry.loadedAt < ttl) return entry.pools;
    const pending = this.loading.get(tenantId);
    if (pending) return pending;
    const generation = this.generations.get(tenantId) ?? 0;
    const load = this.repository
      .listForTenant(tenantId)
      .then((pools) => {
        if ((this.generations.get(tenantId) ?? 0) === generation && ttl > 0) {
          this.entries.set(tenantId, { pools, loadedAt: Date.now() });
        }
        return pools;
      })
      .finally(() => {
        if (this.loading.get(tenantId) === load) this.loading.delete(tenantId);
      });
    this.loading.set(tenantId, load);
    return load;
  }

  /** The pools that apply to the subject's calls. */
  async forSubject(subject: BudgetSubject): Promise<BudgetPool[]> {
    return applicablePools(await this.forTenant(subject.tenantId), subject);
  }

  /** Forget the tenant's definitions (after an edit); the next call reads Postgres. */
  invalidate(tenantId: string): void {
    this.entries.delete(tenantId);
    this.loading.delete(tenantId);
    this.generations.set(tenantId, (this.generations.get(tenantId) ?? 0) + 1);
  }
}

/**
 * Tenant pools always; a key pool when the call is on its key; a job pool (per job) when the
 * call belongs to a job, and the pool is for every key or for the job's key.
 */
export function applicablePools(
  pools: readonly BudgetPool[],
  subject: BudgetSubject,
): BudgetPool[] {
  const key = subject.apiKeyId ?? null;
  return pools.filter((pool) => {
    if (pool.tenantId !== subject.tenantId) return false;
    switch (pool.scope) {
      case 'tenant':
        return true;
      case 'api_key':
        return key !== null && pool.apiKeyId === key;
      case 'job':
        return !!subject.jobId && (pool.apiKeyId === null || pool.apiKeyId === key);
    }
  });
}
