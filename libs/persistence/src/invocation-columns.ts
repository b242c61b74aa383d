import type { InvocationRow } from './invocation-row';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INT32_MAX = 2_147_483_647;
const SMALLINT_MAX = 32_767;

/** Column names in the order of `invocationColumns`' arrays and of the unnest() casts. */
export const INVOCATION_COLUMNS = [
  ['created_at', 'timestamptz'],
  ['job_id', 'uuid'],
  ['trace_id', 'varchar'],
  ['tenant_id', 'uuid'],
  ['role', 'varchar'],
  ['tier', 'smallint'],
  ['provider', 'varchar'],
  ['model', 'varchar'],
  ['call_kind', 'varchar'],
  ['attempt', 'smallint'],
  ['outcome', 'varchar'],
  ['error_class', 'varchar'],
  ['error_message', 'varchar'],
  ['input_tokens', 'integer'],
  ['output_tokens', 'integer'],
  ['cached_input_tokens', 'integer'],
  ['cost_micros', 'bigint'],
  ['latency_ms', 'integer'],
  ['ttft_ms', 'integer'],
  ['prompt', 'jsonb'],
  ['api_key_id', 'uuid'],
  ['invocation_id', 'uuid'],
] as const;

// PostgreSQL rejects NUL in text and jsonb; a provider's error message may carry one.
const noNul = (s: string) => s.replaceAll('\u0000', '\ufffd');

/** Fits a string to a varchar(n) column instead of failing the whole batch. */
function clip(value: string | null | undefined, max: number): string | null {
  if (value === null || value === undefined) return null;
  const s = noNul(String(value));
  return s.length > max ? s.slice(0, max) : s;
}

function int(value: number | null | undefined, max = INT32_MAX): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 0;
  return Math.min(Math.max(Math.round(value), -max), max);
}

const uuidOrNull = (value: string | null | undefined) => (value && UUID.test(value) ? value : null);

function promptJson(prompt: unknown): string | null {
  if (prompt === undefined || prompt === null) return null;
  try {
    const json = JSON.stringify(prompt);
    return json === undefined ? null : json.replace(/\\u0000/g, '\\ufffd');
  } catch {
    return null; // cyclic or BigInt: the row matters more than its prompt
  }
}

/**
 * The rows as one array per column, for a single `INSERT … SELECT * FROM unnest(...)`: one
 * round trip and 22 parameters whatever the batch size (a VALUES list would hit PostgreSQL's
 * 65535-parameter limit at about 3,000 rows). Values are made to fit their columns here, so
 * one odd row cannot make the whole batch fail.
 */
export function invocationColumns(rows: readonly InvocationRow[]): unknown[][] {
  const columns: unknown[][] = INVOCATION_COLUMNS.map(() => new Array<unknown>(rows.length));
  rows.forEach((r, i) => {
    const started = r.startedAt instanceof Date ? r.startedAt : new Date(r.startedAt);
    const values = [
      Number.isNaN(started.getTime()) ? new Date().toISOString() : started.toISOString(),
      uuidOrNull(r.jobId),
      clip(r.traceId, 64),
      uuidOrNull(r.tenantId),
      clip(r.role, 32),
      int(r.tier, SMALLINT_MAX),
      clip(r.provider, 64) ?? '',
      clip(r.model, 200) ?? '',
      clip(r.callKind, 8) ?? '',
      int(r.attempt, SMALLINT_MAX),
      clip(r.outcome, 16) ?? '',
      clip(r.errorClass, 32),
      clip(r.errorMessage, 500),
      int(r.inputTokens),
      int(r.outputTokens),
      int(r.cachedInputTokens),
      int(r.costMicros, Number.MAX_SAFE_INTEGER),
      int(r.latencyMs),
      r.ttftMs === null || r.ttftMs === undefined ? null : int(r.ttftMs),
      promptJson(r.prompt),
      uuidOrNull(r.apiKeyId),
      uuidOrNull(r.id),
    ];
    values.forEach((value, c) => (columns[c][i] = value));
  });
  return columns;
}
