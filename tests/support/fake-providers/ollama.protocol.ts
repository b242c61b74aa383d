import { ollamaInput } from './request-texts';
import { countInputTokens, embeddingFor, smallestLimit } from './token-rules';
import {
  InvalidRequest,
  outputTokens,
  type ChatAnswer,
  type Route,
  type WireProtocol,
} from './wire-protocol';

// Ollama's native API: /api/chat (NDJSON stream by default) and /api/embed.

const OLLAMA_VERSION = '0.12.0';

const line = (value: unknown): string => `${JSON.stringify(value)}\n`;

const elapsedNs = (since: number): number => Math.max(1, Math.round((Date.now() - since) * 1e6));

const head = (a: ChatAnswer) => ({ model: a.model, created_at: new Date().toISOString() });

/**
 * Ollama has no cached-token field: tokens it reuses from its KV cache are just not evaluated,
 * so `prompt_eval_count` leaves them out (as `prompt_eval_count` does on a real cache hit).
 */
const final = (a: ChatAnswer) => ({
  done: true,
  done_reason: a.finish,
  total_duration: elapsedNs(a.startedAt),
  load_duration: 1,
  ...(a.omitUsage
    ? {}
    : {
        prompt_eval_count: a.inputTokens - a.cachedInputTokens,
        prompt_eval_duration: 1,
        eval_count: outputTokens(a),
        eval_duration: 1,
      }),
});

function modelInfo(name: string) {
  return {
    name,
    model: name,
    modified_at: '2025-01-01T00:00:00Z',
    size: 1,
    digest: 'fake',
    details: {
      parent_model: '',
      format: 'gguf',
      family: 'fake',
      families: ['fake'],
      parameter_size: '1B',
      quantization_level: 'Q4_0',
    },
  };
}

/**
 * Ollama parses the model's arguments into an object and sends no call ids. Raw (malformed)
 * arguments scripted as a string go out as that string, as a lenient server might pass them on.
 */
const toolCalls = (a: ChatAnswer) =>
  a.toolCalls.map((call, index) => ({
    function: { index, name: call.name, arguments: call.input },
  }));

export const ollamaProtocol: WireProtocol = {
  basePath: '',
  toolCallIdPrefix: 'call_',

  route(method: string, path: string): Route | undefined {
    if (method === 'POST' && path === '/api/chat') return 'chat';
    if (method === 'POST' && path === '/api/embed') return 'embed';
    const isGet = method === 'GET' || method === 'HEAD';
    if (isGet && (path === '/api/tags' || path === '/api/version' || path === '/')) return 'health';
    return undefined;
  },

  health(path: string) {
    if (path === '/api/version') return { version: OLLAMA_VERSION };
    if (path === '/api/tags') return { models: [modelInfo('fake-model')] };
    return 'Ollama is running';
  },

  readChat(body: any) {
    if (typeof body?.model !== 'string' || body.model === '') {
      throw new InvalidRequest('model is required');
    }
    const input = ollamaInput(body);
    return {
      model: body.model,
      inputTokens: countInputTokens(input.texts, input.images),
      maxTokens: smallestLimit(body.options?.num_predict),
      // Ollama streams unless told not to.
      stream: body.stream !== false,
      streamUsage: true,
    };
  },

  chatBody: (a) => ({
    ...head(a),
    message: {
      role: 'assistant',
      content: a.tokens.join(''),
      ...(a.toolCalls.length ? { tool_calls: toolCalls(a) } : {}),
    },
    ...final(a),
  }),

  streamContentType: 'application/x-ndjson',
  streamOpen: () => [],
  streamToken: (a, token) =>
    line({ ...head(a), message: { role: 'assistant', content: token }, done: false }),
  // Ollama sends the calls whole, together, in one message chunk.
  streamToolCalls: (a) =>
    a.toolCalls.length === 0
      ? []
      : [
          {
            data: line({
              ...head(a),
              message: { role: 'assistant', content: '', tool_calls: toolCalls(a) },
              done: false,
            }),
            outputTokens: a.toolCalls.reduce((sum, call) => sum + call.tokens, 0),
          },
        ],
  streamClose: (a) => [
    line({ ...head(a), message: { role: 'assistant', content: '' }, ...final(a) }),
  ],

  embed: {
    read(body: any) {
      const input: unknown = body?.input;
      const inputs = typeof input === 'string' ? [input] : Array.isArray(input) ? input : undefined;
      if (typeof body?.model !== 'string' || !inputs || inputs.some((i) => typeof i !== 'string')) {
        throw new InvalidRequest('model and input (a string or an array of strings) are required');
      }
      return {
        model: body.model,
        inputs: inputs as string[],
        inputTokens: countInputTokens(inputs as string[]),
        base64: false,
      };
    },
    body: (request, omitUsage) => ({
      model: request.model,
      embeddings: request.inputs.map((text) => embeddingFor(text)),
      total_duration: 1,
      load_duration: 1,
      ...(omitUsage ? {} : { prompt_eval_count: request.inputTokens }),
    }),
  },

  errorBody(status, message) {
    const fallback: Record<number, string> = {
      400: 'input length exceeds maximum context length',
      401: 'unauthorized',
      404: 'model not found, try pulling it first',
      429: 'too many requests',
    };
    return { error: message ?? fallback[status] ?? 'llama runner process has terminated' };
  },
};
