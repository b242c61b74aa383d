import { Anthropic } from '@anthropic-ai/sdk';
import {
  anthropicMessages,
  anthropicOutputConfig,
  anthropicToolCalls,
  anthropicToolChoice,
  anthropicTools,
} from './anthropic-messages';
import { guardedStream } from './guarded-stream';
import type {
  ProviderAdapter,
  ProviderChatCall,
  ProviderChatResult,
  ProviderSettings,
  ProviderStreamChunk,
  ProviderUsage,
} from './provider.types';
import { streamEndedEarly, toProviderError } from './sdk-error';
import { NO_API_KEY, SDK_MAX_RETRIES, SDK_TIMEOUT_MS } from './sdk-options';

type FinishReason = ProviderChatResult['finishReason'];

/** The token counts Anthropic reports, from a whole message or merged from stream events. */
interface AnthropicTokens {
  input_tokens: number | null;
  output_tokens: number | null;
  cache_read_input_tokens: number | null;
  cache_creation_input_tokens: number | null;
}

/**
 * Anthropic's Messages API. No `embed`: Anthropic has no embeddings API. `temperature` is not
 * sent: the Messages API of this SDK generation no longer accepts it.
 */
export class AnthropicAdapter implements ProviderAdapter {
  readonly kind = 'anthropic';
  readonly name: string;
  private readonly client: Anthropic;

  constructor(settings: ProviderSettings) {
    this.name = settings.name;
    this.client = new Anthropic({
      // A key passed in code also stops the SDK from reading ANTHROPIC_* variables or profiles.
      apiKey: settings.apiKey ?? NO_API_KEY,
      baseURL: settings.baseURL ?? null,
      defaultHeaders: settings.headers,
      maxRetries: SDK_MAX_RETRIES,
      timeout: SDK_TIMEOUT_MS,
    });
  }

  async chat(call: ProviderChatCall): Promise<ProviderChatResult> {
    try {
      const message = await this.client.messages.create(
        { ...this.params(call), stream: false },
        { signal: call.signal },
      );
      const text = message.content
        .map((block) => (block.type === 'text' ? block.text : ''))
        .join('');
      const toolCalls = anthropicToolCalls(message.content);
      return {
        text,
        ...(toolCalls.length > 0 ? { toolCalls } : {}),
        finishReason: finishReason(message.stop_reason),
        // Typed as always present; a compatible server that omits it costs nothing.
        usage: message.usage
          ? normalise(message.usage)
          : { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 },
      };
    } catch (error) {
      throw toProviderError(error, this.name, call.signal);
    }
  }

  stream(call: ProviderChatCall): AsyncIterable<ProviderStreamChunk> {
    return guardedStream(this.name, call.signal, (signal) => this.streamChunks(call, signal));
  }

  async health(signal: AbortSignal): Promise<void> {
    try {
      await this.client.models.list(undefined, { signal });
    } catch (error) {
      throw toProviderError(error, this.name, signal);
    }
  }

  private async *streamChunks(
    call: ProviderChatCall,
    signal: AbortSignal,
  ): AsyncGenerator<ProviderStreamChunk> {
    const stream = await this.client.messages.create(
      { ...this.params(call), stream: true },
      { signal },
    );
    let tokens: AnthropicTokens | null = null;
    let stopReason: Anthropic.StopReason | null = null;
    let complete = false;
    // Content block index → 0-based tool call index, and whether its input arrived in pieces.
    const toolBlocks = new Map<number, { index: number; input: unknown; streamed: boolean }>();
    for await (const event of stream) {
      switch (event.type) {
        case 'message_start':
          // Typed as always present, but a compatible server may leave usage out.
          tokens = event.message.usage ? { ...event.message.usage } : tokens;
          break;
        case 'content_block_start':
          if (event.content_block.type === 'tool_use') {
            const { id, name, input } = event.content_block;
            const block = { index: toolBlocks.size, input, streamed: false };
            toolBlocks.set(event.index, block);
            yield { type: 'tool_call', index: block.index, id, name };
          }
          break;
        case 'content_block_delta': {
          if (event.delta.type === 'text_delta' && event.delta.text) {
            yield { type: 'delta', text: event.delta.text };
          }
          const block = toolBlocks.get(event.index);
          if (block && event.delta.type === 'input_json_delta' && event.delta.partial_json) {
            block.streamed = true;
            yield { type: 'tool_call', index: block.index, arguments: event.delta.partial_json };
          }
          break;
        }
        case 'content_block_stop': {
          // A call without arguments may send no input pieces at all: its start had the input.
          const block = toolBlocks.get(event.index);
          if (block && !block.streamed) {
            const args = JSON.stringify(block.input ?? {});
            yield { type: 'tool_call', index: block.index, arguments: args };
          }
          break;
        }
        case 'message_delta':
          // Delta counts are cumulative; a null one means "unchanged since message_start".
          if (event.usage) tokens = mergeTokens(tokens, event.usage);
          stopReason = event.delta.stop_reason ?? stopReason;
          break;
        case 'message_stop':
          complete = true;
          break;
      }
    }
    // The SDK ends quietly when the request is aborted; guardedStream then rethrows the reason.
    if (!complete) throw streamEndedEarly(this.name);
    yield {
      type: 'done',
      finishReason: finishReason(stopReason),
      usage: tokens ? normalise(tokens) : null,
    };
  }

  private params(call: ProviderChatCall) {
    const { system, messages } = anthropicMessages(call.messages);
    const tools = call.tools?.length ? call.tools : undefined;
    const toolChoice = tools && anthropicToolChoice(call.toolChoice, call.parallelToolCalls);
    const outputConfig = anthropicOutputConfig(call.responseFormat, this.name);
    return {
      model: call.model,
      max_tokens: call.maxTokens,
      messages,
      ...(system ? { system } : {}),
      ...(tools ? { tools: anthropicTools(tools) } : {}),
      ...(toolChoice ? { tool_choice: toolChoice } : {}),
      ...(outputConfig ? { output_config: outputConfig } : {}),
    };
  }
}

function finishReason(reason: Anthropic.StopReason | null): FinishReason {
  if (reason === 'tool_use') return 'tool_calls';
  // A full context window truncates the answer just as max_tokens does.
  return reason === 'max_tokens' || reason === 'model_context_window_exceeded' ? 'length' : 'stop';
}

function mergeTokens(
  start: AnthropicTokens | null,
  delta: Anthropic.MessageDeltaUsage,
): AnthropicTokens {
  return {
    input_tokens: delta.input_tokens ?? start?.input_tokens ?? null,
    output_tokens: delta.output_tokens ?? start?.output_tokens ?? null,
    cache_read_input_tokens:
      delta.cache_read_input_tokens ?? start?.cache_read_input_tokens ?? null,
    cache_creation_input_tokens:
      delta.cache_creation_input_tokens ?? start?.cache_creation_input_tokens ?? null,
  };
}

/** Anthropic's `input_tokens` excludes cache reads and writes; ours includes them. */
function normalise(tokens: AnthropicTokens): ProviderUsage {
  const cacheRead = tokens.cache_read_input_tokens ?? 0;
  const cacheWrite = tokens.cache_creation_input_tokens ?? 0;
  return {
    inputTokens: (tokens.input_tokens ?? 0) + cacheRead + cacheWrite,
    outputTokens: tokens.output_tokens ?? 0,
    cachedInputTokens: cacheRead,
  };
}
