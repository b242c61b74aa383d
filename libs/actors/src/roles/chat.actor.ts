import type { JobResult } from '@switchboard/catalogue';
import { toLlmMessages, type LlmResponse } from '@switchboard/llm';
import { Actor } from '../actor.decorator';
import type { ActorContext, ActorHandler, ActorMessage } from '../actor.types';

/**
 * One chat completion, exactly as the client asked for it. It streams, so the provider's
 * output is metered as it arrives (a budget can cut it off) and can follow a failover restart.
 */
@Actor('chat')
export class ChatActor implements ActorHandler<'chat'> {
  async handle({ input }: ActorMessage<'chat'>, ctx: ActorContext): Promise<JobResult<'chat'>> {
    const { model, maxTokens, temperature, tools, toolChoice, parallelToolCalls } = input;
    const messages = toLlmMessages(input.messages);
    const stop = {
      strings: typeof input.stop === 'string' ? [input.stop] : input.stop,
      regex: input.stopRegex,
      closingCodeFence: input.stopAtClosingCodeFence,
    };
    let response: LlmResponse | undefined;
    const request = {
      messages,
      model,
      maxTokens,
      temperature,
      stop,
      ...(tools ? { tools, toolChoice, parallelToolCalls } : {}),
      ...(input.responseFormat ? { responseFormat: input.responseFormat } : {}),
    };
    for await (const event of ctx.llm.stream(request)) {
      if (event.type === 'done') response = event.response;
    }
    if (!response) throw new Error('the LLM stream ended without a response');
    return {
      text: response.text,
      ...(response.toolCalls ? { toolCalls: response.toolCalls } : {}),
      finishReason: response.finishReason,
      usage: ctx.usage(),
      model: response.model,
      provider: response.provider,
    };
  }
}
