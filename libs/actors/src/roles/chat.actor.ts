import type { JobResult } from '@switchboard/catalogue';
import { Actor } from '../actor.decorator';
import type { ActorContext, ActorHandler, ActorMessage } from '../actor.types';

/** One chat completion, exactly as the client asked for it. */
@Actor('chat')
export class ChatActor implements ActorHandler<'chat'> {
  async handle({ input }: ActorMessage<'chat'>, ctx: ActorContext): Promise<JobResult<'chat'>> {
    const { messages, model, maxTokens, temperature } = input;
    const response = await ctx.llm.chat({ messages, model, maxTokens, temperature });
    return {
      text: response.text,
      finishReason: response.finishReason,
      usage: ctx.usage(),
      model: response.model,
      provider: response.provider,
    };
  }
}
