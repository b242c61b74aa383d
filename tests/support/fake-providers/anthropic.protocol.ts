import { anthropicInput } from './request-texts';
import { countInputTokens, smallestLimit } from './token-rules';
import {
  InvalidRequest,
  outputTokens,
  pieces,
  sse,
  type ChatAnswer,
  type Route,
  type StreamEvent,
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

const STOP_REASONS = { length: 'max_tokens', tool_calls: 'tool_use', stop: 'end_turn' } as const;
const stopReason = (a: ChatAnswer) => STOP_REASONS[a.finish];

/** A text block comes first unless the answer is only tool calls. */
const hasTextBlock = (a: ChatAnswer) => a.tokens.length > 0 || a.toolCalls.length === 0;

/** Anthropic's `input_tokens` leaves out what was read from the prompt cache. */
const usage = (a: ChatAnswer, outputTokens: number) => ({
  input_tokens: a.inputTokens - a.cachedInputTokens,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: a.cachedInputTokens,
  output_tokens: outputTokens,
});

/** Whole content: the text block, then one tool_use block per call. */
const content = (a: ChatAnswer) => [
  ...(hasTextBlock(a) ? [{ type: 'text', text: a.tokens.join('') }] : []),
  ...a.toolCalls.map((call) => ({
    type: 'tool_use',
    id: call.id,
    name: call.name,
    input: call.input,
  })),
];

/** `started`: the message_start form, with no content and no stop reason yet. */
const message = (a: ChatAnswer, started: boolean, outputTokens: number) => ({
  id: a.id,
  type: 'message',
  role: 'assistant',
  model: a.model,
  content: started ? [] : content(a),
  stop_reason: started ? null : stopReason(a),
  stop_sequence: null,
  ...(a.omitUsage ? {} : { usage: usage(a, outputTokens) }),
});

/**
 * After the text block stops: per call, a tool_use block start (empty input), its input as
 * input_json_delta pieces, and its stop, which completes its tokens. Blocks are sequential.
 */
function toolCallEvents(a: ChatAnswer): StreamEvent[] {
  if (a.toolCalls.length === 0) return [];
  const first = hasTextBlock(a) ? 1 : 0;
  const event = <T extends { type: string; index: number }>(data: T, outputTokens = 0) => ({
    data: sse(data, data.type),
    outputTokens,
  });
  const events = first ? [event({ type: 'content_block_stop', index: 0 })] : [];
  a.toolCalls.forEach((call, i) => {
    const index = first + i;
    const block = { type: 'tool_use', id: call.id, name: call.name, input: {} };
    events.push(event({ type: 'content_block_start', index, content_block: block }));
    for (const piece of pieces(call.arguments)) {
      const delta = { type: 'input_json_delta', partial_json: piece };
      events.push(event({ type: 'content_block_delta', index, delta }));
    }
    events.push(event({ type: 'content_block_stop', index }, call.tokens));
  });
  return events;
}

/** Every tool_result must answer a tool_use of the assistant turn just before it. */
function checkToolResults(messages: any[]): void {
  messages.forEach((m, i) => {
    const results = Array.isArray(m?.content)
      ? m.content.filter((b: any) => b?.type === 'tool_result')
      : [];
    if (results.length === 0) return;
    const previous = messages[i - 1];
    const uses = new Set(
      (Array.isArray(previous?.content) ? previous.content : [])
        .filter((b: any) => b?.type === 'tool_use')
        .map((b: { id?: unknown }) => b.id),
    );
    for (const result of results) {
      if (m.role !== 'user' || !uses.has(result.tool_use_id)) {
        throw new InvalidRequest(
          `messages.${i}: tool_result ${String(result.tool_use_id)} has no matching tool_use ` +
            'block in the previous assistant message',
        );
      }
    }
  });
}

export const anthropicProtocol: WireProtocol = {
  basePath: '',
  toolCallIdPrefix: 'toolu_',

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
    checkToolResults(body.messages);
    const input = anthropicInput(body);
    return {
      model: String(body.model ?? ''),
      inputTokens: countInputTokens(input.texts, input.images),
      maxTokens: smallestLimit(body.max_tokens),
      stream: body.stream === true,
      streamUsage: true,
    };
  },

  chatBody: (a) => message(a, false, outputTokens(a)),

  streamContentType: 'text/event-stream',
  // output_tokens 0 at the start: nothing has been generated yet (the real API says 1).
  streamOpen: (a) => [
    sse({ type: 'message_start', message: message(a, true, 0) }, 'message_start'),
    ...(hasTextBlock(a)
      ? [
          sse(
            { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
            'content_block_start',
          ),
        ]
      : []),
    sse({ type: 'ping' }, 'ping'),
  ],
  streamToken: (_a, token) =>
    sse(
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: token } },
      'content_block_delta',
    ),
  streamToolCalls: toolCallEvents,
  // With tool calls, the text block was stopped before them.
  streamClose: (a) => [
    ...(a.toolCalls.length === 0
      ? [sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop')]
      : []),
    sse(
      {
        type: 'message_delta',
        delta: { stop_reason: stopReason(a), stop_sequence: null },
        ...(a.omitUsage ? {} : { usage: usage(a, outputTokens(a)) }),
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
