import {
  APIConnectionError as AnthropicConnectionError,
  APIConnectionTimeoutError as AnthropicTimeoutError,
  APIError as AnthropicApiError,
  APIUserAbortError as AnthropicUserAbortError,
} from '@anthropic-ai/sdk';
import {
  APIConnectionError as OpenAiConnectionError,
  APIConnectionTimeoutError as OpenAiTimeoutError,
  APIError as OpenAiApiError,
  APIUserAbortError as OpenAiUserAbortError,
} from 'openai';
import { ProviderError, kindForStatus, retryAfterMs } from './provider-error';

/** Response headers of a failed request, for SDKs whose errors do not carry them (Ollama). */
export type HeaderSource = Pick<Headers, 'get'> | null | undefined;

// Error `type`s sent inside a stream (after the 200), mapped to the status they stand for.
const STATUS_OF_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  server_error: 500,
  overloaded_error: 529,
};

const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
const CONNECTION_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
// What undici's fetch throws when the connection fails or the body is cut mid-read.
const CONNECTION_MESSAGES = /^(fetch failed|terminated|other side closed|socket hang up)/i;

/**
 * Maps anything an SDK or fetch threw to what the adapter must throw: the signal's reason
 * when the call was aborted (the router's deadline or the job's cancellation, never wrapped),
 * else a ProviderError. The provider's own message is kept; API keys never appear in these
 * errors (the SDKs do not echo request headers).
 */
export function toProviderError(
  error: unknown,
  provider: string,
  signal?: AbortSignal,
  headers?: HeaderSource,
): unknown {
  if (signal?.aborted) return signal.reason;
  if (error instanceof ProviderError) return error;
  if (error instanceof OpenAiTimeoutError || error instanceof AnthropicTimeoutError) {
    return new ProviderError('timeout', provider, describe(error), { cause: error });
  }
  if (error instanceof OpenAiUserAbortError || error instanceof AnthropicUserAbortError) {
    return new ProviderError('connection', provider, 'request aborted', { cause: error });
  }
  if (error instanceof OpenAiConnectionError || error instanceof AnthropicConnectionError) {
    const kind = hasCode(error, TIMEOUT_CODES) ? 'timeout' : 'connection';
    return new ProviderError(kind, provider, describe(error), { cause: error });
  }
  if (error instanceof AnthropicApiError || error instanceof OpenAiApiError) {
    // instanceof narrows to the generic defaults' `any`; these are the documented shapes.
    const status = error.status as number | undefined;
    const type: string | null | undefined = error.type;
    // Anthropic's message embeds the whole JSON body; its apiMessage is the provider's words.
    const message = (error instanceof AnthropicApiError && error.apiMessage) || error.message;
    return fromStatus(provider, status ?? statusOfType(type), message, error, [
      headers,
      error.headers as Headers | undefined,
    ]);
  }
  if (isOllamaResponseError(error)) {
    return fromStatus(provider, error.status_code, error.error, error, [headers]);
  }
  if (isNetworkError(error)) {
    const kind = hasCode(error, TIMEOUT_CODES) ? 'timeout' : 'connection';
    return new ProviderError(kind, provider, describe(error), { cause: error });
  }
  // Anything else came from a response we could not use (bad JSON, an error event in an
  // Ollama stream): the provider's fault, so another one may do better.
  return new ProviderError('server', provider, describe(error), { cause: error });
}

/** Thrown when a stream ends cleanly but without the provider's terminal event. */
export function streamEndedEarly(provider: string): ProviderError {
  return new ProviderError('connection', provider, 'stream ended before it was complete');
}

function fromStatus(
  provider: string,
  status: number | undefined,
  message: string,
  cause: unknown,
  headerSources: HeaderSource[],
): ProviderError {
  if (status === undefined) return new ProviderError('server', provider, clip(message), { cause });
  // Stainless messages already start with the status; Anthropic's apiMessage and Ollama's do not.
  const text = clip(message.startsWith(`${status} `) ? message : `${status} ${message}`);
  const kind = kindForStatus(status, message) ?? 'server';
  const details: ConstructorParameters<typeof ProviderError>[3] = { status, cause };
  if (kind === 'rate_limit') {
    details.retryAfterMs = retryAfterMs((name) => headerOf(headerSources, name));
  }
  return new ProviderError(kind, provider, text, details);
}

function headerOf(sources: HeaderSource[], name: string): string | null {
  for (const source of sources) {
    const value = source?.get(name);
    if (value != null) return value;
  }
  return null;
}

function statusOfType(type: string | null | undefined): number | undefined {
  return type ? STATUS_OF_TYPE[type] : undefined;
}

interface OllamaResponseError {
  error: string;
  status_code: number;
}

// The ollama package does not export its ResponseError class, so recognise it by shape.
function isOllamaResponseError(error: unknown): error is Error & OllamaResponseError {
  return (
    nameOf(error) === 'ResponseError' &&
    typeof (error as Partial<OllamaResponseError>).status_code === 'number'
  );
}

function isNetworkError(error: unknown): boolean {
  if (hasCode(error, CONNECTION_CODES) || hasCode(error, TIMEOUT_CODES)) return true;
  // An abort we did not ask for (the call's signal is not aborted): the SDK or runtime gave up.
  // By shape, not instanceof: DOMException and undici's errors may come from another realm.
  return nameOf(error) === 'AbortError' || CONNECTION_MESSAGES.test(messageOf(error));
}

function nameOf(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : '';
}

function messageOf(error: unknown): string {
  if (typeof error === 'string') return error;
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : '';
}

/** True when the error or one of its causes carries one of these system/undici codes. */
function hasCode(error: unknown, codes: ReadonlySet<string>): boolean {
  for (let e = error, depth = 0; e != null && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && codes.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** The error's message followed by its causes', e.g. `terminated: other side closed`. */
function describe(error: unknown): string {
  const parts: string[] = [];
  for (let e = error, depth = 0; e != null && depth < 5; depth++) {
    const message = messageOf(e);
    if (message && !parts.includes(message)) parts.push(message);
    e = (e as { cause?: unknown }).cause;
  }
  return clip(parts.join(': ') || 'unknown error');
}

/** Bounds what reaches job records and logs: a proxy's 502 page can be a whole HTML document. */
function clip(message: string, max = 1000): string {
  return message.length > max ? `${message.slice(0, max)}…` : message;
}
