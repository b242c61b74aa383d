import * as AnthropicSdk from '@anthropic-ai/sdk';
import * as OpenAiSdk from 'openai';
import { ProviderError } from './provider-error';
import { streamEndedEarly, toProviderError } from './sdk-error';

const live = () => new AbortController().signal;

function mapped(error: unknown, headers?: Headers): ProviderError {
  const result = toProviderError(error, 'p', live(), headers);
  expect(result).toBeInstanceOf(ProviderError);
  return result as ProviderError;
}

const openAiStatus = (status: number, message: string, headers = new Headers()) =>
  OpenAiSdk.APIError.generate(status, { error: { message } }, undefined, headers);

const anthropicStatus = (status: number, type: string, message: string, headers = new Headers()) =>
  AnthropicSdk.APIError.generate(
    status,
    { type: 'error', error: { type, message } },
    undefined,
    headers,
  );

/** What undici throws when the server closes the socket in the middle of a body. */
const terminated = () =>
  new TypeError('terminated', {
    cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
  });

/** The ollama package's (unexported) ResponseError, by shape. */
function ollamaResponseError(message: string, status: number): Error {
  return Object.assign(new Error(message), {
    name: 'ResponseError',
    error: message,
    status_code: status,
  });
}

describe('toProviderError', () => {
  it('returns the signal reason unchanged when the call was aborted, whatever was thrown', () => {
    const controller = new AbortController();
    const reason = new ProviderError('timeout', 'router', 'deadline');
    controller.abort(reason);
    expect(toProviderError(new OpenAiSdk.APIUserAbortError(), 'p', controller.signal)).toBe(reason);
    expect(toProviderError(terminated(), 'p', controller.signal)).toBe(reason);
    expect(toProviderError(openAiStatus(500, 'boom'), 'p', controller.signal)).toBe(reason);
  });

  it('passes a ProviderError through', () => {
    const error = streamEndedEarly('p');
    expect(toProviderError(error, 'p', live())).toBe(error);
    expect(error).toMatchObject({
      kind: 'connection',
      message: 'p: stream ended before it was complete',
    });
  });

  it.each([
    [500, 'server'],
    [503, 'server'],
    [529, 'server'],
    [400, 'bad_request'],
    [422, 'bad_request'],
    [401, 'auth'],
    [403, 'auth'],
    [404, 'not_found'],
    [408, 'timeout'],
    [413, 'context_length'],
  ] as const)('maps OpenAI status %i to %s, keeping the message', (status, kind) => {
    const error = mapped(openAiStatus(status, 'provider words'));
    expect(error).toMatchObject({ kind, provider: 'p', details: { status } });
    expect(error.message).toBe(`p: ${status} provider words`);
  });

  it('maps a context-length 400 from each SDK to context_length', () => {
    const openai = mapped(
      openAiStatus(400, "This model's maximum context length is 128000 tokens. However, …"),
    );
    expect(openai.kind).toBe('context_length');
    expect(openai.message).toBe(
      "p: 400 This model's maximum context length is 128000 tokens. However, …",
    );
    const anthropic = mapped(
      anthropicStatus(
        400,
        'invalid_request_error',
        'prompt is too long: 210000 tokens > 200000 maximum',
      ),
    );
    expect(anthropic.kind).toBe('context_length');
    expect(anthropic.message).toBe('p: 400 prompt is too long: 210000 tokens > 200000 maximum');
    expect(
      mapped(ollamaResponseError('input length exceeds maximum context length', 400)).kind,
    ).toBe('context_length');
  });

  it('reads retry-after-ms before retry-after on a 429, from either SDK', () => {
    const both = new Headers({ 'retry-after-ms': '1500', 'retry-after': '9' });
    expect(mapped(openAiStatus(429, 'slow down', both)).details).toMatchObject({
      status: 429,
      retryAfterMs: 1500,
    });
    const seconds = new Headers({ 'retry-after': '3' });
    const error = mapped(anthropicStatus(429, 'rate_limit_error', 'slow down', seconds));
    expect(error).toMatchObject({ kind: 'rate_limit', retryable: true });
    expect(error.details.retryAfterMs).toBe(3000);
    expect(mapped(openAiStatus(429, 'slow down')).details.retryAfterMs).toBeUndefined();
  });

  it('takes Ollama retry hints from the headers the adapter kept', () => {
    const error = mapped(
      ollamaResponseError('too many requests', 429),
      new Headers({ 'retry-after': '2' }),
    );
    expect(error).toMatchObject({
      kind: 'rate_limit',
      details: { status: 429, retryAfterMs: 2000 },
    });
    expect(error.message).toBe('p: 429 too many requests');
  });

  it('maps an error event inside a stream by its type', () => {
    const overloaded = new AnthropicSdk.APIError(
      undefined,
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
      undefined,
      undefined,
    );
    expect(mapped(overloaded)).toMatchObject({ kind: 'server', details: { status: 529 } });
    const limited = new OpenAiSdk.APIError(
      undefined,
      { message: 'Rate limited', type: 'rate_limit_error' },
      undefined,
      undefined,
    );
    expect(mapped(limited).kind).toBe('rate_limit');
    const unknown = new OpenAiSdk.APIError(undefined, { message: 'odd' }, undefined, undefined);
    expect(mapped(unknown).kind).toBe('server');
  });

  it('maps the SDK timeout to timeout and connection failures to connection', () => {
    expect(mapped(new OpenAiSdk.APIConnectionTimeoutError()).kind).toBe('timeout');
    expect(mapped(new AnthropicSdk.APIConnectionTimeoutError()).kind).toBe('timeout');
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
    });
    const openai = mapped(new OpenAiSdk.APIConnectionError({ cause: refused }));
    expect(openai.kind).toBe('connection');
    expect(openai.message).toBe(
      'p: Connection error.: fetch failed: connect ECONNREFUSED 127.0.0.1:1',
    );
    expect(mapped(new AnthropicSdk.APIConnectionError({ cause: refused })).kind).toBe('connection');
    expect(mapped(new OpenAiSdk.APIUserAbortError()).kind).toBe('connection');
  });

  it('maps raw fetch errors (a body cut mid-stream, a reset, an undici timeout)', () => {
    const cut = mapped(terminated());
    expect(cut).toMatchObject({ kind: 'connection', retryable: true });
    expect(cut.message).toBe('p: terminated: other side closed');
    expect(mapped(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })).kind).toBe(
      'connection',
    );
    const headersTimeout = new TypeError('fetch failed', {
      cause: Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' }),
    });
    expect(mapped(headersTimeout).kind).toBe('timeout');
    expect(mapped(new DOMException('This operation was aborted', 'AbortError')).kind).toBe(
      'connection',
    );
  });

  it('maps anything else (bad JSON, an error line in an Ollama stream) to server', () => {
    expect(mapped(new SyntaxError('Unexpected end of JSON input')).kind).toBe('server');
    expect(mapped(new Error('llama runner process has terminated')).message).toBe(
      'p: llama runner process has terminated',
    );
    expect(mapped('a string').message).toBe('p: a string');
  });
});
