import { microsToDollars, type BudgetPool, type PoolStatus } from '@switchboard/budget';

/** A pool as the API shows it; money as integer micros with a dollar string beside it. */
export interface BudgetPoolView {
  id: string;
  tenantId: string;
  scope: BudgetPool['scope'];
  apiKeyId: string | null;
  period: BudgetPool['period'];
  limitMicros: number;
  limit: string;
  mode: BudgetPool['mode'];
  thresholds: number[];
  timezone: string;
  webhookUrl: string | null;
  createdBy: 'admin' | 'tenant';
  /** The API key that set the pool: the only key that may change or delete it. */
  createdByKeyId: string | null;
  createdAt: string;
  updatedAt: string;
  links: { self: string; status: string };
}

/** A pool in its current period: the pool, and its amounts in micros and dollars. */
export interface BudgetStatusView {
  pool: BudgetPoolView;
  periodKey: string;
  periodStart: string | null;
  resetsAt: string | null;
  limitMicros: number;
  limit: string;
  spentMicros: number;
  spent: string;
  reservedMicros: number;
  reserved: string;
  remainingMicros: number;
  remaining: string;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function toPoolView(pool: BudgetPool & { createdByKeyId?: string | null }): BudgetPoolView {
  return {
    id: pool.id,
    tenantId: pool.tenantId,
    scope: pool.scope,
    apiKeyId: pool.apiKeyId,
    period: pool.period,
    limitMicros: pool.limitMicros,
    limit: microsToDollars(pool.limitMicros),
    mode: pool.mode,
    thresholds: pool.thresholds,
    timezone: pool.timezone,
    webhookUrl: pool.webhookUrl,
    createdBy: pool.createdBy,
    createdByKeyId: pool.createdByKeyId ?? null,
    createdAt: pool.createdAt.toISOString(),
    updatedAt: pool.updatedAt.toISOString(),
    links: {
      self: `/v1/budgets/${pool.id}`,
      status: `/v1/budgets/status?tenantId=${pool.tenantId}`,
    },
  };
}

export function toStatusView(status: PoolStatus): BudgetStatusView {
  const { pool } = status;
  return {
    pool: toPoolView(pool),
    periodKey: status.periodKey,
    periodStart: iso(status.periodStart),
    resetsAt: iso(status.resetsAt),
    limitMicros: pool.limitMicros,
    limit: microsToDollars(pool.limitMicros),
    spentMicros: status.spentMicros,
    spent: microsToDollars(status.spentMicros),
    reservedMicros: status.reservedMicros,
    reserved: microsToDollars(status.reservedMicros),
    remainingMicros: status.remainingMicros,
    remaining: microsToDollars(status.remainingMicros),
  };
}
