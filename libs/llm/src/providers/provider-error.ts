/**
 * What went wrong with a provider call, independent of the SDK:
 * - retryable (the router fails over): `connection`, `timeout`, `server` (5xx), `rate_limit` (429);
 * - request errors (the job fails at once with the provider's message): `bad_request` (400, 422),
 *   `auth` (401, 403), `not_found` (404), `context_length` (the prompt is too long).
 */
export const PROVIDER_ERROR_KINDS = [
  'connection',
  'timeout',
  'server',
  'rate_limit',
  'bad_request',
  'auth',
  'not_found',
  'context_length',
] as const;
export type ProviderErrorKind = (typeof PROVIDER_ERROR_KINDS)[number];

const RETRYABLE: ReadonlySet<ProviderErrorKind> = new Set([
  'connection',
  'timeout',
  'server',
  'rate_limit',
]);

export class ProviderError extends Error {
  readonly retryable: boolean;

  constructor(
    readonly kind: ProviderErrorKind,
    readonly provider: string,
    message: string,
    readonly details: {
      status?: number;
      /** From `retry-after-ms` or `retry-after` on a 429. */
      retryAfterMs?: number;
      cause?: unknown;
    } = {},
  ) {
    super(`${provider}: ${message}`, { cause: details.cause });
    this.name = 'ProviderError';
    this.retryable = RETRYABLE.has(kind);
  }

  /** Stable code for the job record and the invocation log: `provider-<kind>`. */
  get code(): string {
    return `provider-${this.kind.replace('_', '-')}`;
  }
}

/** Maps an HTTP status to an error kind; `undefined` means the status is not an error. */
export function kindForStatus(status: number, message = ''): ProviderErrorKind | undefined {
  if (status === 429) return 'rate_limit';
  if (status >= 500) return 'server';
  if (status === 408) return 'timeout';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 413 || /context|too long|too many tokens|maximum.*tokens/i.test(message)) {
    return status >= 400 ? 'context_length' : undefined;
  }
  if (status >= 400) return 'bad_request';
  return undefined;
}

/** Parses `retry-after-ms` (milliseconds) or `retry-after` (seconds or an HTTP date). */
export function retryAfterMs(
  header: (name: string) => string | null | undefined,
  now = Date.now(),
): number | undefined {
  const ms = Number(header('retry-after-ms'));
  if (Number.isFinite(ms) && ms >= 0 && header('retry-after-ms') != null) return ms;
  const value = header('retry-after');
  if (value == null || value === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
