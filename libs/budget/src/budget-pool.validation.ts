import { UUID_PATTERN } from '@switchboard/persistence';
import { InvalidBudgetPoolError } from './budget.errors';
import {
  BUDGET_MODES,
  BUDGET_PERIODS,
  BUDGET_SCOPES,
  DEFAULT_ALERT_THRESHOLDS,
  type BudgetMode,
  type BudgetPeriod,
  type BudgetScope,
} from './budget.types';
import { canonicalTimezone } from './periods';

/** What an operator gives to create a pool. */
export interface NewBudgetPool {
  tenantId: string;
  scope: BudgetScope;
  /** Required for `api_key` pools; optional for `job` pools (one key's jobs only). */
  apiKeyId?: string | null;
  period: BudgetPeriod;
  limitMicros: number;
  /** Default `hard`. */
  mode?: BudgetMode;
  /** Default 80, 90, 95, 100. */
  thresholds?: number[];
  /** Default `UTC`. */
  timezone?: string;
  webhookUrl?: string | null;
  /** Default `admin`. */
  createdBy?: 'admin' | 'tenant';
  /** The API key that sets a tenant's pool; the only key that may change it later. */
  createdByKeyId?: string | null;
}

/** What may change on an existing pool (scope, key and period define it and may not). */
export interface BudgetPoolPatch {
  limitMicros?: number;
  mode?: BudgetMode;
  thresholds?: number[];
  timezone?: string;
  webhookUrl?: string | null;
}

const MAX_THRESHOLD = 1000; // soft pools may alert past their limit, e.g. at 150 %
const fail = (field: string, message: string): never => {
  throw new InvalidBudgetPoolError(field, message);
};
const oneOf = <T extends string>(field: string, value: string, allowed: readonly T[]): T =>
  (allowed as readonly string[]).includes(value)
    ? (value as T)
    : fail(field, `must be one of ${allowed.join(', ')}`);

export function validLimit(value: number): number {
  // Redis and the Lua arithmetic hold amounts as doubles: keep them exact.
  if (!Number.isSafeInteger(value) || value < 0) {
    fail('limitMicros', 'must be a non-negative integer of micro-dollars below 2^53');
  }
  return value;
}

export function validThresholds(values: readonly number[]): number[] {
  if (!Array.isArray(values) || values.length > 20) fail('thresholds', 'at most 20 percentages');
  for (const t of values) {
    if (!Number.isInteger(t) || t < 1 || t > MAX_THRESHOLD) {
      fail('thresholds', `percentages must be integers from 1 to ${MAX_THRESHOLD}`);
    }
  }
  return [...new Set(values)].sort((a, b) => a - b);
}

export function validTimezone(value: string): string {
  const zone = typeof value === 'string' && value.length <= 64 ? canonicalTimezone(value) : null;
  return zone ?? fail('timezone', `unknown IANA time zone "${String(value)}"`);
}

export function validWebhookUrl(value: string | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || value.length > 2000) {
    fail('webhookUrl', 'must be an http(s) URL of at most 2000 characters');
  }
  return value;
}

/** A complete, normalised definition; mirrors the table's CHECK constraints. */
export function validNewPool(input: NewBudgetPool): Required<NewBudgetPool> {
  if (typeof input.tenantId !== 'string' || !UUID_PATTERN.test(input.tenantId)) {
    fail('tenantId', 'must be a uuid');
  }
  const scope = oneOf('scope', input.scope, BUDGET_SCOPES);
  const period = oneOf('period', input.period, BUDGET_PERIODS);
  const apiKeyId = input.apiKeyId ?? null;
  if (apiKeyId !== null && !UUID_PATTERN.test(apiKeyId)) fail('apiKeyId', 'must be a uuid');
  if (scope === 'api_key' && apiKeyId === null) fail('apiKeyId', 'an api_key pool needs a key');
  if (scope === 'tenant' && apiKeyId !== null) fail('apiKeyId', 'a tenant pool has no key');
  if (scope === 'job' && period !== 'lifetime') fail('period', 'a job pool is lifetime');
  const createdBy = input.createdBy ?? 'admin';
  const createdByKeyId = input.createdByKeyId ?? null;
  if (createdByKeyId !== null && !UUID_PATTERN.test(createdByKeyId)) {
    fail('createdByKeyId', 'must be a uuid');
  }
  if (createdByKeyId !== null && createdBy !== 'tenant') {
    fail('createdByKeyId', 'only a pool a tenant sets has a creating key');
  }
  return {
    tenantId: input.tenantId,
    scope,
    apiKeyId,
    period,
    limitMicros: validLimit(input.limitMicros),
    mode: oneOf('mode', input.mode ?? 'hard', BUDGET_MODES),
    thresholds: validThresholds(input.thresholds ?? [...DEFAULT_ALERT_THRESHOLDS]),
    timezone: validTimezone(input.timezone ?? 'UTC'),
    webhookUrl: validWebhookUrl(input.webhookUrl),
    createdBy,
    createdByKeyId,
  };
}

export function validPatch(patch: BudgetPoolPatch): BudgetPoolPatch {
  const out: BudgetPoolPatch = {};
  if (patch.limitMicros !== undefined) out.limitMicros = validLimit(patch.limitMicros);
  if (patch.mode !== undefined) out.mode = oneOf('mode', patch.mode, BUDGET_MODES);
  if (patch.thresholds !== undefined) out.thresholds = validThresholds(patch.thresholds);
  if (patch.timezone !== undefined) out.timezone = validTimezone(patch.timezone);
  if (patch.webhookUrl !== undefined) out.webhookUrl = validWebhookUrl(patch.webhookUrl);
  return out;
}
