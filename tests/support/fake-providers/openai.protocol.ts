import { rerankResults } from '@switchboard/llm';
import { openaiInput } from './request-texts';
import { countInputTokens, embeddingFor, smallestLimit, type FinishReason } from './token-rules';
import {
  InvalidRequest,
  outputTokens,
  pieces,
  sse,
  type ChatAnswer,
  type EmbedRequestInfo,
  type RerankRequestInfo,
  type Route,
  type StreamEvent,
  type WireProtocol,
} from './wire-protocol';

// OpenAI chat completions and embeddings, as api.openai.com (and vLLM, Groq...) speak them.

const OPENAI_CONTEXT_WINDOW = 128000;

const usage = (a: ChatAnswer) => ({
  prompt_tokens: a.inputTokens,
  completion_tokens: outputTokens(a),
  total_tokens: a.inputTokens + outputTokens(a),
  prompt_tokens_details: { cached_tokens: a.cachedInputTokens, audio_tokens: 0 },
  completion_tokens_details: {
    reasoning_tokens: 0,
    audio_tokens: 0,
    accepted_prediction_tokens: 0,
    rejected_prediction_tokens: 0,
  },
});

const chunk = (a: ChatAnswer, delta: object, finish: FinishReason | null = null) => ({
  id: a.id,
  object: 'chat.completion.chunk',
  created: a.created,
  model: a.model,
  system_fingerprint: null,
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  ...(a.streamUsage ? { usage: null } : {}),
});

function errorFor(status: number, inputTokens: number) {
  const byStatus: Record<number, { type: string; code: string | null; message: string }> = {
    400: {
      type: 'invalid_request_error',
      code: 'context_length_exceeded',
      message:
        `This model's maximum context length is ${OPENAI_CONTEXT_WINDOW} tokens. However, your ` +
        `messages resulted in ${Math.max(inputTokens, OPENAI_CONTEXT_WINDOW + 1)} tokens. ` +
        'Please reduce the length of the messages.',
    },
    401: {
      type: 'invalid_request_error',
      code: 'invalid_api_key',
      message: 'Incorrect API key provided.',
    },
    403: { type: 'invalid_request_error', code: null, message: 'Permission denied.' },
    404: {
      type: 'invalid_request_error',
      code: 'model_not_found',
      message: 'The model does not exist or you do not have access to it.',
    },
    429: {
      type: 'requests',
      code: 'rate_limit_exceeded',
      message: 'Rate limit reached for requests. Please try again later.',
    },
  };
  return (
    byStatus[status] ?? {
      type: 'server_error',
      code: null,
      message: 'The server had an error while processing your request.',
    }
  );
}

/** A message with tool calls has null content when it has no text, as the API sends it. */
function message(a: ChatAnswer) {
  const text = a.tokens.join('');
  if (a.toolCalls.length === 0) {
    return { role: 'assistant', content: text, refusal: null, annotations: [] };
  }
  return {
    role: 'assistant',
    content: text === '' ? null : text,
    refusal: null,
    annotations: [],
    tool_calls: a.toolCalls.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    })),
  };
}

/**
 * Each call's id and name with empty arguments, then the arguments in pieces, the calls'
 * pieces interleaved (as parallel calls arrive); a call's tokens count with its last piece.
 */
function toolCallEvents(a: ChatAnswer): StreamEvent[] {
  const delta = (index: number, fields: object) =>
    sse(chunk(a, { tool_calls: [{ index, ...fields }] }));
  const events: StreamEvent[] = a.toolCalls.map((call, index) => ({
    data: delta(index, {
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: '' },
    }),
    outputTokens: 0,
  }));
  const split = a.toolCalls.map((call) => pieces(call.arguments));
  const rounds = Math.max(0, ...split.map((p) => p.length));
  for (let round = 0; round < rounds; round++) {
    split.forEach((parts, index) => {
      if (round >= parts.length) return;
      events.push({
        data: delta(index, { function: { arguments: parts[round] } }),
        outputTokens: round === parts.length - 1 ? a.toolCalls[index].tokens : 0,
      });
    });
  }
  // A call with empty arguments text has no pieces: its tokens count with its first event.
  split.forEach((parts, index) => {
    if (parts.length === 0) events[index].outputTokens = a.toolCalls[index].tokens;
  });
  return events;
}

/** Tool messages must name the call they answer. */
function checkToolMessages(messages: any[]): void {
  for (const m of messages) {
    if (m?.role === 'tool' && typeof m.tool_call_id !== 'string') {
      throw new InvalidRequest("messages: 'tool_call_id' is a required property of tool messages");
    }
  }
}

/** OpenAI's `dimensions`: a positive integer, or absent. */
function readDimensions(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 4096) {
    throw new InvalidRequest("'dimensions' must be an integer between 1 and 4096");
  }
  return value as number;
}

export const openaiProtocol: WireProtocol = {
  basePath: '/v1',
  toolCallIdPrefix: 'call_',

  route(method: string, path: string): Route | undefined {
    if (method === 'POST' && path === '/v1/chat/completions') return 'chat';
    if (method === 'POST' && path === '/v1/embeddings') return 'embed';
    if (method === 'POST' && path === '/v1/rerank') return 'rerank';
    if (method === 'GET' && path === '/v1/models') return 'health';
    return undefined;
  },

  health: () => ({
    object: 'list',
    data: [{ id: 'fake-model', object: 'model', created: 1700000000, owned_by: 'switchboard' }],
  }),

  readChat(body: any) {
    if (!Array.isArray(body?.messages))
      throw new InvalidRequest("'messages' is a required property");
    checkToolMessages(body.messages);
    const input = openaiInput(body);
    return {
      model: String(body.model ?? ''),
      inputTokens: countInputTokens(input.texts, input.images),
      maxTokens: smallestLimit(body.max_tokens, body.max_completion_tokens),
      stream: body.stream === true,
      streamUsage: body.stream_options?.include_usage === true,
    };
  },

  chatBody: (a: ChatAnswer) => ({
    id: a.id,
    object: 'chat.completion',
    created: a.created,
    model: a.model,
    system_fingerprint: null,
    choices: [
      {
        index: 0,
        message: message(a),
        logprobs: null,
        finish_reason: a.finish,
      },
    ],
    ...(a.omitUsage ? {} : { usage: usage(a) }),
  }),

  streamContentType: 'text/event-stream',
  streamOpen: (a) => [sse(chunk(a, { role: 'assistant', content: '', refusal: null }))],
  streamToken: (a, token) => sse(chunk(a, { content: token })),
  streamToolCalls: toolCallEvents,
  streamClose: (a) => [
    sse(chunk(a, {}, a.finish)),
    ...(a.streamUsage && !a.omitUsage
      ? [sse({ ...chunk(a, {}), choices: [], usage: usage(a) })]
      : []),
    sse('[DONE]'),
  ],

  embed: {
    read(body: any): EmbedRequestInfo {
      const input: unknown = body?.input;
      const inputs = typeof input === 'string' ? [input] : Array.isArray(input) ? input : undefined;
      if (!inputs || inputs.some((i) => typeof i !== 'string')) {
        throw new InvalidRequest("'input' must be a string or an array of strings");
      }
      return {
        model: String(body.model ?? ''),
        inputs: inputs as string[],
        inputTokens: countInputTokens(inputs as string[]),
        base64: body.encoding_format === 'base64',
        dimensions: readDimensions(body.dimensions),
      };
    },

    body: (request, omitUsage) => ({
      object: 'list',
      model: request.model,
      data: request.inputs.map((text, index) => {
        const vector = embeddingFor(text, { dimensions: request.dimensions });
        const embedding = request.base64
          ? Buffer.from(new Float32Array(vector).buffer).toString('base64')
          : vector;
        return { object: 'embedding', index, embedding };
      }),
      ...(omitUsage
        ? {}
        : { usage: { prompt_tokens: request.inputTokens, total_tokens: request.inputTokens } }),
    }),
  },

  rerank: {
    read(body: any): RerankRequestInfo {
      const { query, documents } = body ?? {};
      if (typeof query !== 'string') throw new InvalidRequest("'query' must be a string");
      if (!Array.isArray(documents) || documents.some((d) => typeof d !== 'string')) {
        throw new InvalidRequest("'documents' must be an array of strings");
      }
      const topN = body.top_n;
      if (topN !== undefined && !(Number.isInteger(topN) && topN > 0)) {
        throw new InvalidRequest("'top_n' must be a positive integer");
      }
      return {
        model: String(body.model ?? ''),
        query,
        documents,
        topN,
        inputTokens: countInputTokens([query, ...documents]),
      };
    },

    // Jina's and Cohere v1's shape: best first, `relevance_score` in [0, 1].
    body: (request, omitUsage) => ({
      model: request.model,
      results: rerankResults(request.query, request.documents, request.topN).map((r) => ({
        index: r.index,
        relevance_score: r.score,
        document: { text: request.documents[r.index] },
      })),
      ...(omitUsage ? {} : { usage: { total_tokens: request.inputTokens } }),
    }),
  },

  errorBody(status, message, inputTokens) {
    const known = errorFor(status, inputTokens);
    const code = status === 400 && message && !/context length/i.test(message) ? null : known.code;
    return { error: { message: message ?? known.message, type: known.type, param: null, code } };
  },
};
