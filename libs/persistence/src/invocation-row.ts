import type { Role, Tier } from '@switchboard/catalogue';

export const INVOCATION_CALL_KINDS = ['chat', 'stream', 'embed', 'rerank'] as const;
export type InvocationCallKind = (typeof INVOCATION_CALL_KINDS)[number];

/**
 * How an attempt ended. `failed_over`: the router moved on to another candidate, so the
 * routed call went on; every other outcome ends the call. `interrupted`: a stream broke after
 * output was sent; `stopped`: the caller stopped reading a stream; `budget_exhausted`: a
 * stream was cut off when its budget reservation was spent; `lost`: the process making the
 * call died before it ended, so its reservation expired and was charged at its worst case
 * (replaced by the call's real row if that still arrives). Stored as varchar(16), no CHECK:
 * add values here.
 */
export const INVOCATION_OUTCOMES = [
  'ok',
  'failed',
  'failed_over',
  'cancelled',
  'interrupted',
  'stopped',
  'budget_exhausted',
  'lost',
] as const;
export type InvocationOutcome = (typeof INVOCATION_OUTCOMES)[number];

/** One LLM call attempt for the invocation log; fields match `llm_invocations` columns. */
export interface InvocationRow {
  /** The attempt's id (its budget reservation's): the log keeps one row per id. */
  id?: string | null;
  /** When the attempt started (the row's created_at). */
  startedAt: Date;
  jobId?: string | null;
  traceId?: string | null;
  tenantId?: string | null;
  /** The API key whose job made the call, so key budget pools reconcile from the log. */
  apiKeyId?: string | null;
  role?: Role | null;
  tier: Tier;
  provider: string;
  model: string;
  callKind: InvocationCallKind;
  /** 1-based index of this attempt within one routed call. */
  attempt: number;
  outcome: InvocationOutcome;
  errorClass?: string | null;
  errorMessage?: string | null;
  inputTokens?: number;
  outputTokens?: number;
  cachedInputTokens?: number;
  costMicros?: number;
  latencyMs: number;
  ttftMs?: number | null;
  /** The messages; kept only when prompt logging is on. */
  prompt?: unknown;
}
