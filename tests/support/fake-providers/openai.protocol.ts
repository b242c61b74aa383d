import {
  contentTexts,
  countInputTokens,
  embeddingFor,
  smallestLimit,
  type FinishReason,
} from './token-rules';
import {
  InvalidRequest,
  sse,
  type ChatAnswer,
  type EmbedRequestInfo,
  type Route,
  type WireProtocol,
} from './wire-protocol';

// OpenAI chat completions and embeddings, as api.openai.com (and vLLM, Groq...) speak them.

const OPENAI_CONTEXT_WINDOW = 128000;

const usage = (a: ChatAnswer) => ({
  prompt_tokens: a.inputTokens,
  completion_tokens: a.tokens.length,
  total_tokens: a.inputTokens + a.tokens.length,
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

export const openaiProtocol: WireProtocol = {
  basePath: '/v1',

  route(method: string, path: string): Route | undefined {
    if (method === 'POST' && path === '/v1/chat/completions') return 'chat';
    if (method === 'POST' && path === '/v1/embeddings') return 'embed';
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
    return {
      model: String(body.model ?? ''),
      inputTokens: countInputTokens(body.messages.flatMap((m: any) => contentTexts(m?.content))),
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
        message: { role: 'assistant', content: a.tokens.join(''), refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: a.finish,
      },
    ],
    ...(a.omitUsage ? {} : { usage: usage(a) }),
  }),

  streamContentType: 'text/event-stream',
  streamOpen: (a) => [sse(chunk(a, { role: 'assistant', content: '', refusal: null }))],
  streamToken: (a, token) => sse(chunk(a, { content: token })),
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
      };
    },

    body: (request, omitUsage) => ({
      object: 'list',
      model: request.model,
      data: request.inputs.map((text, index) => {
        const vector = embeddingFor(text);
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

  errorBody(status, message, inputTokens) {
    const known = errorFor(status, inputTokens);
    const code = status === 400 && message && !/context length/i.test(message) ? null : known.code;
    return { error: { message: message ?? known.message, type: known.type, param: null, code } };
  },
};
