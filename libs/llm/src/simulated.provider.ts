import type { LlmConfig } from '@switchboard/config';
import { abortableSleep } from './abortable-sleep';
import type { LlmProvider, LlmRequest, LlmResponse, LlmRouting, LlmStreamEvent } from './llm.types';
import { SIMULATED_MODELS, costMicros } from './simulated-models';
import { SimulatedProviderError, wantsSimulatedError } from './simulated-directives';
import { simulatedWords } from './simulated-text';
import { estimateMessageTokens } from './token-count';

const DEFAULT_MAX_TOKENS = 256;

/**
 * The clearly labelled development and benchmark provider: deterministic text, exact token
 * counts and configurable latency (first token, then a steady rate). Never a real model.
 */
export class SimulatedProvider implements LlmProvider {
  readonly name = 'simulated';

  constructor(private readonly config: LlmConfig) {}

  async chat(request: LlmRequest, routing: LlmRouting): Promise<LlmResponse> {
    let response: LlmResponse | undefined;
    for await (const event of this.stream(request, routing)) {
      if (event.type === 'done') response = event.response;
    }
    if (!response) throw new Error('simulated stream ended without a response');
    return response;
  }

  async *stream(request: LlmRequest, routing: LlmRouting): AsyncIterable<LlmStreamEvent> {
    const model = SIMULATED_MODELS[routing.tier];
    const { words, truncated } = simulatedWords(
      request.messages,
      request.maxTokens ?? DEFAULT_MAX_TOKENS,
    );
    await abortableSleep(this.config.simulatedLatencyMs, routing.signal);
    if (wantsSimulatedError(request.messages)) throw new SimulatedProviderError();
    const perTokenMs = 1000 / this.config.simulatedTokensPerSecond;
    let owed = 0;
    for (let i = 0; i < words.length; i++) {
      owed += perTokenMs;
      // Sleep only in whole milliseconds, so fast rates don't pay a timer per token.
      if (owed >= 1) {
        await abortableSleep(Math.floor(owed), routing.signal);
        owed -= Math.floor(owed);
      } else if (routing.signal?.aborted) {
        throw routing.signal.reason as Error;
      }
      yield { type: 'delta', text: i === 0 ? words[i] : ` ${words[i]}` };
    }
    const inputTokens = estimateMessageTokens(request.messages);
    yield {
      type: 'done',
      response: {
        text: words.join(' '),
        finishReason: truncated ? 'length' : 'stop',
        usage: {
          inputTokens,
          outputTokens: words.length,
          costMicros: costMicros(model, inputTokens, words.length),
        },
        model: model.id,
        provider: this.name,
      },
    };
  }
}
