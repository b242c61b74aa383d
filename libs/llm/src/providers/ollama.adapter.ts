import { Ollama, type ChatRequest, type ChatResponse } from 'ollama';
import { guardedStream } from './guarded-stream';
import { ollamaFormat, ollamaMessages, ollamaToolCalls, ollamaTools } from './ollama-messages';
import type {
  ProviderAdapter,
  ProviderChatCall,
  ProviderChatResult,
  ProviderEmbedCall,
  ProviderEmbedResult,
  ProviderSettings,
  ProviderStreamChunk,
  ProviderUsage,
} from './provider.types';
import { streamEndedEarly, toProviderError } from './sdk-error';

/** What the ollama SDK throws when an NDJSON stream ends without `done: true`. */
const INCOMPLETE_STREAM = 'Did not receive done or success response in stream.';

/** Headers of the last non-2xx response: the SDK's ResponseError drops them (Retry-After). */
interface FailedResponse {
  headers?: Headers;
}

/**
 * Ollama's native API: `/api/chat` (NDJSON stream or JSON), `/api/embed`, and `/api/tags` for
 * health. The SDK takes no per-request signal, so each call gets its own client (a cheap
 * object) whose `fetch` carries that call's signal.
 */
export class OllamaAdapter implements ProviderAdapter {
  readonly kind = 'ollama';
  readonly name: string;
  private readonly host: string | undefined;
  private readonly headers: Record<string, string>;

  constructor(settings: ProviderSettings) {
    this.name = settings.name;
    this.host = settings.baseURL;
    this.headers = {
      ...settings.headers,
      ...(settings.apiKey ? { Authorization: `Bearer ${settings.apiKey}` } : {}),
    };
  }

  async chat(call: ProviderChatCall): Promise<ProviderChatResult> {
    const failed: FailedResponse = {};
    try {
      const response = await this.client(call.signal, failed).chat({
        ...this.request(call),
        stream: false,
      });
      const toolCalls = ollamaToolCalls(response.message?.tool_calls);
      return {
        text: response.message?.content ?? '',
        ...(toolCalls.length > 0 ? { toolCalls } : {}),
        finishReason: finishReason(response.done_reason, toolCalls.length > 0),
        usage: usageOf(response) ?? { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 },
      };
    } catch (error) {
      throw toProviderError(error, this.name, call.signal, failed.headers);
    }
  }

  stream(call: ProviderChatCall): AsyncIterable<ProviderStreamChunk> {
    const failed: FailedResponse = {};
    return guardedStream(
      this.name,
      call.signal,
      (signal) => this.streamChunks(call, signal, failed),
      () => failed.headers,
    );
  }

  async embed(call: ProviderEmbedCall): Promise<ProviderEmbedResult> {
    const failed: FailedResponse = {};
    try {
      const response = await this.client(call.signal, failed).embed({
        model: call.model,
        input: call.input,
      });
      return {
        embeddings: response.embeddings,
        usage: {
          inputTokens: response.prompt_eval_count ?? 0,
          outputTokens: 0,
          cachedInputTokens: 0,
        },
      };
    } catch (error) {
      throw toProviderError(error, this.name, call.signal, failed.headers);
    }
  }

  async health(signal: AbortSignal): Promise<void> {
    const failed: FailedResponse = {};
    try {
      await this.client(signal, failed).list();
    } catch (error) {
      throw toProviderError(error, this.name, signal, failed.headers);
    }
  }

  private async *streamChunks(
    call: ProviderChatCall,
    signal: AbortSignal,
    failed: FailedResponse,
  ): AsyncGenerator<ProviderStreamChunk> {
    const stream = await this.client(signal, failed).chat({ ...this.request(call), stream: true });
    let last: ChatResponse | undefined;
    let calls = 0;
    try {
      for await (const part of stream) {
        const text = part.message?.content;
        if (text) yield { type: 'delta', text };
        // Ollama sends each tool call whole, in the chunk where the model finished it.
        for (const toolCall of ollamaToolCalls(part.message?.tool_calls)) {
          yield { type: 'tool_call', index: calls++, ...toolCall };
        }
        if (part.done) last = part;
      }
    } catch (error) {
      if (error instanceof Error && error.message === INCOMPLETE_STREAM) {
        throw streamEndedEarly(this.name);
      }
      throw error;
    }
    if (!last) throw streamEndedEarly(this.name);
    const finish = finishReason(last.done_reason, calls > 0);
    yield { type: 'done', finishReason: finish, usage: usageOf(last) };
  }

  private request(call: ProviderChatCall): ChatRequest {
    const tools = call.tools?.length ? ollamaTools(call.tools, call.toolChoice) : undefined;
    const format = ollamaFormat(call.responseFormat);
    return {
      model: call.model,
      messages: ollamaMessages(call.messages, this.name),
      ...(tools ? { tools } : {}),
      ...(format === undefined ? {} : { format }),
      options: {
        num_predict: call.maxTokens,
        ...(call.temperature === undefined ? {} : { temperature: call.temperature }),
      },
    };
  }

  private client(signal: AbortSignal, failed: FailedResponse): Ollama {
    return new Ollama({
      host: this.host,
      headers: this.headers,
      fetch: boundFetch(signal, failed),
    });
  }
}

/** A fetch tied to one call's signal that remembers the headers of a failed response. */
function boundFetch(signal: AbortSignal, failed: FailedResponse): typeof fetch {
  return async (input, init) => {
    // The SDK passes its own signal on streamed requests; either one aborts the request.
    const combined = init?.signal ? AbortSignal.any([init.signal, signal]) : signal;
    const response = await fetch(input, { ...init, signal: combined });
    if (!response.ok) failed.headers = response.headers;
    return response;
  };
}

/** Ollama says `stop` after tool calls too. */
function finishReason(
  reason: string | undefined,
  calledTools: boolean,
): ProviderChatResult['finishReason'] {
  if (reason === 'length') return 'length';
  return calledTools ? 'tool_calls' : 'stop';
}

/** Ollama omits zero counts; with both missing it reported no usage at all. */
function usageOf(response: Partial<ChatResponse>): ProviderUsage | null {
  if (response.prompt_eval_count == null && response.eval_count == null) return null;
  return {
    inputTokens: response.prompt_eval_count ?? 0,
    outputTokens: response.eval_count ?? 0,
    cachedInputTokens: 0,
  };
}
