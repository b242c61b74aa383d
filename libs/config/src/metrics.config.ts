import { z } from 'zod';
import { booleanFromEnv, type Env } from './env';

/** The most tenants METRICS_TENANT_LABELS may name: the tenant label stays bounded. */
export const MAX_METRICS_TENANTS = 50;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const tenantList = z
  .string()
  .default('')
  .transform((raw) => [
    ...new Set(
      raw
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter((s) => s.length > 0),
    ),
  ])
  .refine((ids) => ids.every((id) => UUID.test(id)), {
    message: 'must be a comma-separated list of tenant ids (UUIDs)',
  })
  .refine((ids) => ids.length <= MAX_METRICS_TENANTS, {
    message: `may name at most ${MAX_METRICS_TENANTS} tenants`,
  });

export const metricsSchema = z.object({
  METRICS_ENABLED: booleanFromEnv.default(true),
  METRICS_TENANT_LABELS: tenantList,
});

export interface MetricsConfig {
  /**
   * false: the job wrapper and the worker gauges record nothing (no-op metric objects), the
   * API's /metrics answers 404, no worker metrics server starts and the API's metric timers
   * do not run.
   */
  enabled: boolean;
  /**
   * Tenant ids (lowercase, at most MAX_METRICS_TENANTS) that get per-pool budget gauges with a
   * `tenant` label. Empty (the default): no metric carries a tenant.
   */
  tenantLabels: string[];
}

export function metricsConfig(env: Env): MetricsConfig {
  const v = metricsSchema.parse(env);
  return { enabled: v.METRICS_ENABLED, tenantLabels: v.METRICS_TENANT_LABELS };
}
