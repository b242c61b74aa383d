import { z } from 'zod';
import { booleanFromEnv, intFromEnv, type Env } from './env';

export const budgetSchema = z.object({
  BUDGET_RESERVATION_TTL_MS: intFromEnv(500, 86_400_000).default(600_000),
  BUDGET_MIN_OUTPUT_TOKENS: intFromEnv(1, 100_000).default(16),
  BUDGET_POOL_CACHE_MS: intFromEnv(0, 600_000).default(2_000),
  BUDGET_RECONCILE_INTERVAL_MS: intFromEnv(200, 86_400_000).default(60_000),
  BUDGET_RECONCILE_REPAIR: booleanFromEnv.default(false),
  BUDGET_WEBHOOK_SECRET: z.string().min(16).optional(),
  BUDGET_WEBHOOK_TIMEOUT_MS: intFromEnv(100, 120_000).default(5_000),
});

export interface BudgetConfig {
  /** A reservation a dead worker never settled is returned after this long. */
  reservationTtlMs: number;
  /** The fewest output tokens worth calling for; below this a call is refused, not shrunk. */
  minOutputTokens: number;
  /** How long a worker trusts its copy of a tenant's pool definitions. */
  poolCacheMs: number;
  reconcileIntervalMs: number;
  /** Reconciliation rewrites Redis counters from the invocation log (otherwise it only reports). */
  reconcileRepair: boolean;
  /** Signs alert webhooks (HMAC-SHA256); pools with a webhook URL need it. */
  webhookSecret?: string;
  webhookTimeoutMs: number;
}

export function budgetConfig(env: Env): BudgetConfig {
  const v = budgetSchema.parse(env);
  return {
    reservationTtlMs: v.BUDGET_RESERVATION_TTL_MS,
    minOutputTokens: v.BUDGET_MIN_OUTPUT_TOKENS,
    poolCacheMs: v.BUDGET_POOL_CACHE_MS,
    reconcileIntervalMs: v.BUDGET_RECONCILE_INTERVAL_MS,
    reconcileRepair: v.BUDGET_RECONCILE_REPAIR,
    webhookSecret: v.BUDGET_WEBHOOK_SECRET,
    webhookTimeoutMs: v.BUDGET_WEBHOOK_TIMEOUT_MS,
  };
}
