// The budget contract: pool definitions (Postgres), live counters and reservations (Redis).
// Money is integer micro-dollars everywhere; prices are micro-dollars per million tokens.

export const BUDGET_PERIODS = ['daily', 'weekly', 'monthly', 'lifetime'] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

/**
 * `tenant`: everything the tenant spends. `api_key`: what jobs submitted with one key spend.
 * `job`: a cap that applies to each job of the tenant (or of one key) separately.
 */
export const BUDGET_SCOPES = ['tenant', 'api_key', 'job'] as const;
export type BudgetScope = (typeof BUDGET_SCOPES)[number];

/** `hard` refuses calls that could overspend; `soft` only alerts. */
export const BUDGET_MODES = ['hard', 'soft'] as const;
export type BudgetMode = (typeof BUDGET_MODES)[number];

export const DEFAULT_ALERT_THRESHOLDS = [80, 90, 95, 100] as const;

/** A job's answer to a call its budget refuses: fail now, or wait for the period to reset. */
export const BUDGET_POLICIES = ['fail', 'defer'] as const;
export type BudgetPolicy = (typeof BUDGET_POLICIES)[number];

export interface BudgetPool {
  id: string;
  tenantId: string;
  scope: BudgetScope;
  /** For `api_key` pools, and `job` pools limited to one key's jobs; null otherwise. */
  apiKeyId: string | null;
  period: BudgetPeriod;
  limitMicros: number;
  mode: BudgetMode;
  /** Percentages of the limit, ascending, each alerting once per period. */
  thresholds: number[];
  /** IANA zone the calendar periods follow (UTC by default). */
  timezone: string;
  /** Optional: alerts are POSTed here, signed with HMAC-SHA256. */
  webhookUrl: string | null;
  /** `admin` (the operator) or `tenant` (one of its keys): a tenant may change only its own. */
  createdBy: 'admin' | 'tenant';
  createdAt: Date;
  updatedAt: Date;
}

/** Whose money a call spends. */
export interface BudgetSubject {
  tenantId: string;
  apiKeyId?: string | null;
  jobId?: string | null;
}

export interface CallPrices {
  input: number;
  output: number;
  cachedInput: number;
}

/** What a call could cost at worst: its input bound, and `maxTokens` of output. */
export interface CallQuote {
  /** A bound on the input tokens the provider can report (see the model catalogue). */
  inputTokens: number;
  maxTokens: number;
  prices: CallPrices;
  /**
   * The model, whose learned input multiplier (set when its provider reported more input than
   * the bound) scales `inputTokens` up inside the reservation.
   */
  model?: string;
}

/** A call registered with its reservation, so it is logged even if its process dies. */
export interface CallRegistration {
  /** The attempt's id: the reservation's and the invocation row's. */
  id: string;
  /** The invocation row (JSON) logged as `lost` if the reservation expires unsettled. */
  row: string;
}

/** What a settlement writes along with it, in the same atomic script. */
export interface SettleRecord {
  /** The call's invocation row (JSON), appended to the ledger stream. */
  row?: string;
  /** The call's answer, journaled so its job's next run reuses it instead of paying again. */
  journal?: { key: string; field: string; value: string; ttlMs: number };
  /** The input tokens the provider reported: above the reserved bound, the model is flagged. */
  inputTokens?: number;
}

/** A provider counted more input than the bound its call reserved: the bound is too low. */
export interface InputBoundAlert {
  model: string;
  reservedInputTokens: number;
  reportedInputTokens: number;
  tenantId: string;
}

/** Budget held for one LLM call attempt until it is settled (or expires). */
export interface Reservation {
  id: string;
  /** Micro-dollars held in every pool that applies. */
  amountMicros: number;
  /** The output tokens it covers (the request's max_tokens, possibly lowered). */
  maxTokens: number;
  /** The input tokens it covers: the quote's bound, raised by the model's learned multiplier. */
  inputTokens: number;
  /** The quote's bound and model, to learn from an overrun (internal to libs/budget). */
  quote: Pick<CallQuote, 'inputTokens' | 'model'>;
  /** Counter keys it is held in (internal to libs/budget). */
  counters: string[];
  /** The tenant whose pools hold it (internal to libs/budget). */
  tenantId: string;
  /** One per counter, in the same order (internal to libs/budget). */
  legs: ReservationLeg[];
}

/** The pool (as defined when reserving) and period one counter of a reservation belongs to. */
export interface ReservationLeg {
  pool: BudgetPool;
  periodKey: string;
  /** Set for job pools, whose counter is per job. */
  jobId: string | null;
  /** The counter key's TTL when it has to be (re)created; 0 keeps it forever (lifetime). */
  counterTtlMs: number;
}

/** Why a call was refused: the pool that cannot cover even the floor. */
export interface BudgetRefusal {
  poolId: string;
  scope: BudgetScope;
  period: BudgetPeriod;
  limitMicros: number;
  /** Limit − spent − reserved when the call asked. */
  remainingMicros: number;
  /** The least the call needed: input + the output floor. */
  neededMicros: number;
  /** When the pool's period resets; null for lifetime pools. */
  resetsAt: Date | null;
}

export type ReserveResult =
  | { ok: true; reservation: Reservation | null; maxTokens: number }
  | { ok: false; refusal: BudgetRefusal };

export interface PoolStatus {
  pool: BudgetPool;
  /** e.g. `2026-11-21`, `2026-W47`, `2026-11`, `lifetime`. */
  periodKey: string;
  periodStart: Date | null;
  resetsAt: Date | null;
  spentMicros: number;
  reservedMicros: number;
  remainingMicros: number;
}

/** A threshold crossed by a settlement; recorded once per pool, period and threshold. */
export interface BudgetAlert {
  pool: BudgetPool;
  /** The period's key; for a job pool, whose every job is a period of its own, `job:<jobId>`. */
  periodKey: string;
  /** The job, for a job pool's alert; null otherwise. */
  jobId: string | null;
  threshold: number;
  spentMicros: number;
  limitMicros: number;
}

/** Where crossed thresholds go (Postgres record, metric, webhook job). */
export interface BudgetAlertSink {
  alert(alert: BudgetAlert): void;
  /** A model's input bound was exceeded (the settlement recorded the provider's count). */
  inputBoundExceeded?(alert: InputBoundAlert): void;
}

/** The clock budgets read; injectable so tests can cross period boundaries. */
export interface BudgetClock {
  now(): Date;
}

/** A dollar string beside every micro-dollar amount in JSON: 1234567 → "1.234567". */
export function microsToDollars(micros: number): string {
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(micros);
  return `${sign}${Math.floor(abs / 1_000_000)}.${String(abs % 1_000_000).padStart(6, '0')}`;
}
