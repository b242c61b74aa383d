import { contentTexts, countInputTokens, smallestLimit } from './token-rules';
import {
  InvalidRequest,
  sse,
  type ChatAnswer,
  type Route,
  type WireProtocol,
} from './wire-protocol';

// Anthropic's Messages API: JSON messages and its named SSE event sequence.

const ANTHROPIC_CONTEXT_WINDOW = 200000;

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  409: 'conflict_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

const DEFAULT_MESSAGES: Record<string, string> = {
  authentication_error: 'invalid x-api-key',
  billing_error: 'Your credit balance is too low.',
  permission_error: 'Your API key does not have permission to use the specified resource.',
  not_found_error: 'model: not found',
  conflict_error: 'Conflict.',
  request_too_large: 'Request exceeds the maximum allowed number of bytes.',
  rate_limit_error: 'Number of request tokens has exceeded your per-minute rate limit.',
  timeout_error: 'Request timed out.',
  overloaded_error: 'Overloaded',
  api_error: 'Internal server error',
};

const stopReason = (a: ChatAnswer) => (a.finish === 'length' ? 'max_tokens' : 'end_turn');

/** Anthropic's `input_tokens` leaves out what was read from the prompt cache. */
const usage = (a: ChatAnswer, outputTokens: number) => ({
  input_tokens: a.inputTokens - a.cachedInputTokens,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: a.cachedInputTokens,
  output_tokens: outputTokens,
});

const message = (a: ChatAnswer, text: string | null, outputTokens: number) => ({
  id: a.id,
  type: 'message',
  role: 'assistant',
  model: a.model,
  content: text === null ? [] : [{ type: 'text', text }],
  stop_reason: text === null ? null : stopReason(a),
  stop_sequence: null,
  ...(a.omitUsage ? {} : { usage: usage(a, outputTokens) }),
});

export const anthropicProtocol: WireProtocol = {
  basePath: '',

  route(method: string, path: string): Route | undefined {
    if (method === 'POST' && path === '/v1/messages') return 'chat';
    if (method === 'GET' && path === '/v1/models') return 'health';
    return undefined;
  },

  health: () => ({
    data: [
      {
        type: 'model',
        id: 'fake-model',
        display_name: 'Fake model',
        created_at: '2025-01-01T00:00:00Z',
      },
    ],
    has_more: false,
    first_id: 'fake-model',
    last_id: 'fake-model',
  }),

  readChat(body: any) {
    if (!Array.isArray(body?.messages)) throw new InvalidRequest('messages: Field required');
    if (typeof body.max_tokens !== 'number') throw new InvalidRequest('max_tokens: Field required');
    const texts = [
      ...contentTexts(body.system),
      ...body.messages.flatMap((m: any) => contentTexts(m?.content)),
    ];
    return {
      model: String(body.model ?? ''),
      inputTokens: countInputTokens(texts),
      maxTokens: smallestLimit(body.max_tokens),
      stream: body.stream === true,
      streamUsage: true,
    };
  },

  chatBody: (a) => message(a, a.tokens.join(''), a.tokens.length),

  streamContentType: 'text/event-stream',
  // output_tokens 0 at the start: nothing has been generated yet (the real API says 1).
  streamOpen: (a) => [
    sse({ type: 'message_start', message: message(a, null, 0) }, 'message_start'),
    sse(
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      'content_block_start',
    ),
    sse({ type: 'ping' }, 'ping'),
  ],
  streamToken: (_a, token) =>
    sse(
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: token } },
      'content_block_delta',
    ),
  streamClose: (a) => [
    sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
    sse(
      {
        type: 'message_delta',
        delta: { stop_reason: stopReason(a), stop_sequence: null },
        ...(a.omitUsage ? {} : { usage: usage(a, a.tokens.length) }),
      },
      'message_delta',
    ),
    sse({ type: 'message_stop' }, 'message_stop'),
  ],

  errorBody(status, message, inputTokens) {
    const type = ERROR_TYPES[status] ?? 'api_error';
    const fallback =
      status === 400
        ? `prompt is too long: ${Math.max(inputTokens, ANTHROPIC_CONTEXT_WINDOW + 1)} tokens > ` +
          `${ANTHROPIC_CONTEXT_WINDOW} maximum`
        : (DEFAULT_MESSAGES[type] ?? 'Internal server error');
    return { type: 'error', error: { type, message: message ?? fallback } };
  },
};
