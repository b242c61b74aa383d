import type { LlmConfig } from '@switchboard/config';
import { createHash } from 'node:crypto';
import { abortableSleep } from '../abortable-sleep';
import { wantsSimulatedError } from '../simulated/simulated-directives';
import { simulatedWords } from '../simulated/simulated-text';
import { estimateMessageTokens, estimateTokens } from '../token-count';
import { ProviderError } from './provider-error';
import type {
  ProviderAdapter,
  ProviderChatCall,
  ProviderChatResult,
  ProviderEmbedCall,
  ProviderEmbedResult,
  ProviderStreamChunk,
} from './provider.types';

/**
 * The clearly labelled development and benchmark provider: deterministic text, exact token
 * counts and configurable latency (first token, then a steady rate). Never a real model.
 */
export class SimulatedAdapter implements ProviderAdapter {
  readonly kind = 'simulated';

  constructor(
    readonly name: string,
    private readonly config: Pick<LlmConfig, 'simulatedLatencyMs' | 'simulatedTokensPerSecond'>,
  ) {}

  async chat(call: ProviderChatCall): Promise<ProviderChatResult> {
    let text = '';
    for await (const chunk of this.stream(call)) {
      if (chunk.type === 'delta') text += chunk.text;
      else if (chunk.type === 'done')
        return { text, finishReason: chunk.finishReason, usage: chunk.usage! };
    }
    throw new ProviderError('connection', this.name, 'simulated stream ended early');
  }

  async *stream(call: ProviderChatCall): AsyncIterable<ProviderStreamChunk> {
    const { words, truncated } = simulatedWords(call.messages, call.maxTokens);
    await abortableSleep(this.config.simulatedLatencyMs, call.signal);
    if (wantsSimulatedError(call.messages)) {
      throw new ProviderError('server', this.name, 'simulated provider error (requested)', {
        status: 500,
      });
    }
    const perTokenMs = 1000 / this.config.simulatedTokensPerSecond;
    let owed = 0;
    for (let i = 0; i < words.length; i++) {
      owed += perTokenMs;
      // Sleep only in whole milliseconds, so fast rates don't pay a timer per token.
      if (owed >= 1) {
        await abortableSleep(Math.floor(owed), call.signal);
        owed -= Math.floor(owed);
      } else if (call.signal.aborted) {
        throw call.signal.reason as Error;
      }
      yield { type: 'delta', text: i === 0 ? words[i] : ` ${words[i]}` };
    }
    yield {
      type: 'done',
      finishReason: truncated ? 'length' : 'stop',
      usage: {
        inputTokens: estimateMessageTokens(call.messages),
        outputTokens: words.length,
        cachedInputTokens: 0,
      },
    };
  }

  async embed(call: ProviderEmbedCall): Promise<ProviderEmbedResult> {
    await abortableSleep(this.config.simulatedLatencyMs, call.signal);
    const embeddings = call.input.map((text) =>
      [...createHash('sha256').update(text).digest().subarray(0, 8)].map((b) => b / 255),
    );
    const inputTokens = call.input.reduce((sum, text) => sum + estimateTokens(text), 0);
    return { embeddings, usage: { inputTokens, outputTokens: 0, cachedInputTokens: 0 } };
  }

  health(): Promise<void> {
    return Promise.resolve();
  }
}
