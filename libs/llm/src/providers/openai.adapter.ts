import { OpenAI } from 'openai';
import { guardedStream } from './guarded-stream';
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
import { NO_API_KEY, SDK_MAX_RETRIES, SDK_TIMEOUT_MS } from './sdk-options';

type FinishReason = ProviderChatResult['finishReason'];

const OPENAI_API = /^https:\/\/api\.openai\.com(\/|$)/;

/**
 * OpenAI and every OpenAI-compatible server (Groq, Together, Fireworks, OpenRouter, vLLM,
 * Jan), told apart only by `baseURL`: chat completions, embeddings, and the model list.
 */
export class OpenAiAdapter implements ProviderAdapter {
  readonly kind = 'openai';
  readonly name: string;
  private readonly client: OpenAI;
  /** OpenAI's reasoning models reject `max_tokens`; most compatible servers only know it. */
  private readonly maxTokensKey: 'max_completion_tokens' | 'max_tokens';

  constructor(settings: ProviderSettings) {
    this.name = settings.name;
    this.maxTokensKey =
      !settings.baseURL || OPENAI_API.test(settings.baseURL)
        ? 'max_completion_tokens'
        : 'max_tokens';
    this.client = new OpenAI({
      apiKey: settings.apiKey ?? NO_API_KEY,
      // Explicit nulls: the catalogue is the only source, never OPENAI_* variables.
      baseURL: settings.baseURL ?? null,
      organization: null,
      project: null,
      defaultHeaders: settings.headers,
      maxRetries: SDK_MAX_RETRIES,
      timeout: SDK_TIMEOUT_MS,
    });
  }

  async chat(call: ProviderChatCall): Promise<ProviderChatResult> {
    try {
      const completion = await this.client.chat.completions.create(
        { ...this.params(call), stream: false },
        { signal: call.signal },
      );
      const choice = completion.choices[0];
      return {
        text: choice?.message.content ?? '',
        finishReason: finishReason(choice?.finish_reason),
        // Servers send usage in practice; one that omits it costs nothing rather than failing.
        usage: usageOf(completion.usage) ?? {
          inputTokens: 0,
          outputTokens: 0,
          cachedInputTokens: 0,
        },
      };
    } catch (error) {
      throw toProviderError(error, this.name, call.signal);
    }
  }

  stream(call: ProviderChatCall): AsyncIterable<ProviderStreamChunk> {
    return guardedStream(this.name, call.signal, (signal) => this.streamChunks(call, signal));
  }

  async embed(call: ProviderEmbedCall): Promise<ProviderEmbedResult> {
    try {
      // `float`: the SDK otherwise asks for base64, which not every compatible server speaks.
      const response = await this.client.embeddings.create(
        { model: call.model, input: call.input, encoding_format: 'float' },
        { signal: call.signal },
      );
      const data = [...response.data].sort((a, b) => a.index - b.index);
      return {
        embeddings: data.map((item) => item.embedding),
        usage: {
          inputTokens: response.usage?.prompt_tokens ?? 0,
          outputTokens: 0,
          cachedInputTokens: 0,
        },
      };
    } catch (error) {
      throw toProviderError(error, this.name, call.signal);
    }
  }

  async health(signal: AbortSignal): Promise<void> {
    try {
      await this.client.models.list({ signal });
    } catch (error) {
      throw toProviderError(error, this.name, signal);
    }
  }

  private async *streamChunks(
    call: ProviderChatCall,
    signal: AbortSignal,
  ): AsyncGenerator<ProviderStreamChunk> {
    const stream = await this.client.chat.completions.create(
      { ...this.params(call), stream: true, stream_options: { include_usage: true } },
      { signal },
    );
    let finish: FinishReason | undefined;
    let usage: ProviderUsage | null = null;
    // The usage chunk (empty `choices`) comes after the one with `finish_reason`.
    for await (const chunk of stream) {
      usage = usageOf(chunk.usage) ?? usage;
      const choice = chunk.choices?.[0];
      const text = choice?.delta?.content;
      if (text) yield { type: 'delta', text };
      if (choice?.finish_reason) finish = finishReason(choice.finish_reason);
    }
    // The SDK ends quietly when the request is aborted; guardedStream then rethrows the reason.
    if (!finish) throw streamEndedEarly(this.name);
    yield { type: 'done', finishReason: finish, usage };
  }

  private params(call: ProviderChatCall) {
    return {
      model: call.model,
      messages: call.messages.map((m) => ({ role: m.role, content: m.content })),
      ...(this.maxTokensKey === 'max_tokens'
        ? { max_tokens: call.maxTokens }
        : { max_completion_tokens: call.maxTokens }),
      ...(call.temperature === undefined ? {} : { temperature: call.temperature }),
    };
  }
}

function finishReason(reason: string | null | undefined): FinishReason {
  return reason === 'length' ? 'length' : 'stop';
}

function usageOf(usage: OpenAI.CompletionUsage | null | undefined): ProviderUsage | null {
  if (!usage) return null;
  return {
    inputTokens: usage.prompt_tokens ?? 0,
    outputTokens: usage.completion_tokens ?? 0,
    cachedInputTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
  };
}
