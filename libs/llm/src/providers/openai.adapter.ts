import { OpenAI } from 'openai';
import { guardedStream } from './guarded-stream';
import {
  openAiMessages,
  openAiResponseFormat,
  openAiToolCalls,
  openAiToolChoice,
  openAiTools,
} from './openai-messages';
import type {
  ProviderAdapter,
  ProviderChatCall,
  ProviderChatResult,
  ProviderEmbedCall,
  ProviderEmbedResult,
  ProviderRerankCall,
  ProviderRerankResult,
  ProviderSettings,
  ProviderStreamChunk,
  ProviderUsage,
} from './provider.types';
import { streamEndedEarly, toProviderError } from './sdk-error';
import { NO_API_KEY, SDK_MAX_RETRIES, SDK_TIMEOUT_MS } from './sdk-options';

type FinishReason = ProviderChatResult['finishReason'];

/** A rerank endpoint's answer (Jina / Cohere v1 / vLLM shape). */
interface RerankBody {
  results?: { index: number; relevance_score: number }[];
  usage?: { prompt_tokens?: number; total_tokens?: number };
}

const OPENAI_API = /^https:\/\/api\.openai\.com(\/|$)/;

/**
 * OpenAI and every OpenAI-compatible server (Groq, Together, Fireworks, OpenRouter, vLLM,
 * Jan), told apart only by `baseURL`: chat completions, embeddings, rerank, and the model list.
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
      const toolCalls = openAiToolCalls(choice?.message.tool_calls);
      return {
        text: choice?.message.content ?? '',
        ...(toolCalls ? { toolCalls } : {}),
        finishReason: finishReason(choice?.finish_reason, toolCalls !== undefined),
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
        {
          model: call.model,
          input: call.input,
          encoding_format: 'float',
          ...(call.dimensions ? { dimensions: call.dimensions } : {}),
        },
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

  /**
   * `POST {baseURL}/rerank` as Jina, Cohere v1, vLLM and Hugging Face TEI's OpenAI-style
   * routers speak it (`{model, query, documents, top_n}` → `results[{index,
   * relevance_score}]`), sent through the SDK's own client (its errors, timeout and auth).
   */
  async rerank(call: ProviderRerankCall): Promise<ProviderRerankResult> {
    try {
      const response = await this.client.post<RerankBody>('/rerank', {
        body: {
          model: call.model,
          query: call.query,
          documents: call.documents,
          ...(call.topN ? { top_n: call.topN } : {}),
        },
        signal: call.signal,
      });
      const results = (response.results ?? [])
        .map((r) => ({ index: r.index, score: r.relevance_score }))
        .sort((a, b) => b.score - a.score);
      const tokens = response.usage?.prompt_tokens ?? response.usage?.total_tokens ?? 0;
      return { results, usage: { inputTokens: tokens, outputTokens: 0, cachedInputTokens: 0 } };
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
    let calledTools = false;
    // The usage chunk (empty `choices`) comes after the one with `finish_reason`.
    for await (const chunk of stream) {
      usage = usageOf(chunk.usage) ?? usage;
      const choice = chunk.choices?.[0];
      const text = choice?.delta?.content;
      if (text) yield { type: 'delta', text };
      // Each piece names its call by index: parallel calls arrive interleaved.
      for (const piece of choice?.delta?.tool_calls ?? []) {
        calledTools = true;
        yield {
          type: 'tool_call',
          index: piece.index,
          ...(piece.id ? { id: piece.id } : {}),
          ...(piece.function?.name ? { name: piece.function.name } : {}),
          ...(piece.function?.arguments ? { arguments: piece.function.arguments } : {}),
        };
      }
      if (choice?.finish_reason) finish = finishReason(choice.finish_reason, calledTools);
    }
    // The SDK ends quietly when the request is aborted; guardedStream then rethrows the reason.
    if (!finish) throw streamEndedEarly(this.name);
    yield { type: 'done', finishReason: finish, usage };
  }

  private params(call: ProviderChatCall) {
    const tools = call.tools?.length ? call.tools : undefined;
    return {
      model: call.model,
      messages: openAiMessages(call.messages),
      ...(this.maxTokensKey === 'max_tokens'
        ? { max_tokens: call.maxTokens }
        : { max_completion_tokens: call.maxTokens }),
      ...(call.temperature === undefined ? {} : { temperature: call.temperature }),
      // tool_choice and parallel_tool_calls are refused without tools.
      ...(tools ? { tools: openAiTools(tools) } : {}),
      ...(tools && call.toolChoice ? { tool_choice: openAiToolChoice(call.toolChoice) } : {}),
      ...(tools && call.parallelToolCalls !== undefined
        ? { parallel_tool_calls: call.parallelToolCalls }
        : {}),
      ...(call.responseFormat && call.responseFormat.type !== 'text'
        ? { response_format: openAiResponseFormat(call.responseFormat) }
        : {}),
    };
  }
}

/** Some compatible servers say `stop` after tool calls; the calls are what count. */
function finishReason(reason: string | null | undefined, calledTools: boolean): FinishReason {
  if (reason === 'length') return 'length';
  return reason === 'tool_calls' || reason === 'function_call' || calledTools
    ? 'tool_calls'
    : 'stop';
}

function usageOf(usage: OpenAI.CompletionUsage | null | undefined): ProviderUsage | null {
  if (!usage) return null;
  return {
    inputTokens: usage.prompt_tokens ?? 0,
    outputTokens: usage.completion_tokens ?? 0,
    cachedInputTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
  };
}
