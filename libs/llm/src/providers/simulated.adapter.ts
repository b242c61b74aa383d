import type { LlmConfig } from '@switchboard/config';
import { abortableSleep } from '../abortable-sleep';
import { ToolCallAssembler } from '../messages/tool-call-assembler';
import { DEFAULT_SIMULATED_DIMENSIONS, hashedEmbedding } from '../simulated/hashed-embedding';
import { type SimulatedAnswer, simulatedAnswer } from '../simulated/simulated-answer';
import { wantsSimulatedError } from '../simulated/simulated-directives';
import { rerankResults } from '../simulated/simulated-rerank';
import { UnknownToolChoiceError } from '../simulated/simulated-tools';
import { estimateMessageTokens, estimateTokens } from '../token-count';
import { ProviderError } from './provider-error';
import type {
  ProviderAdapter,
  ProviderChatCall,
  ProviderChatResult,
  ProviderEmbedCall,
  ProviderEmbedResult,
  ProviderRerankCall,
  ProviderRerankResult,
  ProviderStreamChunk,
} from './provider.types';

/**
 * The clearly labelled development and benchmark provider: deterministic text, tool calls and
 * JSON answers (see `simulatedAnswer`), exact token counts and configurable latency (first
 * token, then a steady rate). Never a real model.
 */
export class SimulatedAdapter implements ProviderAdapter {
  readonly kind = 'simulated';

  constructor(
    readonly name: string,
    private readonly config: Pick<LlmConfig, 'simulatedLatencyMs' | 'simulatedTokensPerSecond'>,
  ) {}

  async chat(call: ProviderChatCall): Promise<ProviderChatResult> {
    let text = '';
    const toolCalls = new ToolCallAssembler();
    for await (const chunk of this.stream(call)) {
      if (chunk.type === 'delta') text += chunk.text;
      else if (chunk.type === 'tool_call') toolCalls.push(chunk);
      else {
        return {
          text,
          ...(toolCalls.size > 0 ? { toolCalls: toolCalls.toolCalls() } : {}),
          finishReason: chunk.finishReason,
          usage: chunk.usage!,
        };
      }
    }
    throw new ProviderError('connection', this.name, 'simulated stream ended early');
  }

  async *stream(call: ProviderChatCall): AsyncIterable<ProviderStreamChunk> {
    const answer = this.answer(call);
    await abortableSleep(this.config.simulatedLatencyMs, call.signal);
    if (wantsSimulatedError(call.messages)) {
      throw new ProviderError('server', this.name, 'simulated provider error (requested)', {
        status: 500,
      });
    }
    const perTokenMs = 1000 / this.config.simulatedTokensPerSecond;
    let owed = 0;
    for (const { chunk, tokens } of answer.pieces) {
      owed += perTokenMs * tokens;
      // Sleep only in whole milliseconds, so fast rates don't pay a timer per token.
      if (owed >= 1) {
        await abortableSleep(Math.floor(owed), call.signal);
        owed -= Math.floor(owed);
      } else if (call.signal.aborted) {
        throw call.signal.reason as Error;
      }
      yield chunk;
    }
    yield {
      type: 'done',
      finishReason: answer.finishReason,
      usage: {
        inputTokens: estimateMessageTokens(call.messages, call.tools),
        outputTokens: answer.outputTokens,
        cachedInputTokens: 0,
      },
    };
  }

  /** The answer, decided up front; a tool_choice naming no offered tool is a bad request. */
  private answer(call: ProviderChatCall): SimulatedAnswer {
    try {
      return simulatedAnswer(call);
    } catch (error) {
      if (error instanceof UnknownToolChoiceError) {
        throw new ProviderError('bad_request', this.name, error.message, { status: 400 });
      }
      throw error;
    }
  }

  async embed(call: ProviderEmbedCall): Promise<ProviderEmbedResult> {
    await abortableSleep(this.config.simulatedLatencyMs, call.signal);
    const dimensions = call.dimensions ?? DEFAULT_SIMULATED_DIMENSIONS;
    const embeddings = call.input.map((text) => hashedEmbedding(text, dimensions));
    const inputTokens = call.input.reduce((sum, text) => sum + estimateTokens(text), 0);
    return { embeddings, usage: { inputTokens, outputTokens: 0, cachedInputTokens: 0 } };
  }

  async rerank(call: ProviderRerankCall): Promise<ProviderRerankResult> {
    await abortableSleep(this.config.simulatedLatencyMs, call.signal);
    const texts = [call.query, ...call.documents];
    const inputTokens = texts.reduce((sum, text) => sum + estimateTokens(text), 0);
    return {
      results: rerankResults(call.query, call.documents, call.topN),
      usage: { inputTokens, outputTokens: 0, cachedInputTokens: 0 },
    };
  }

  health(): Promise<void> {
    return Promise.resolve();
  }
}
