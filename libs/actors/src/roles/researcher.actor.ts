import type { JobResult } from '@switchboard/catalogue';
import { Actor } from '../actor.decorator';
import type { ActorContext, ActorHandler, ActorMessage } from '../actor.types';
import { singleCall } from './single-call';

const SYSTEM =
  'You are a research assistant. Answer the question using the context when given. ' +
  'Say plainly what you do not know; do not invent sources.';

@Actor('researcher')
export class ResearcherActor implements ActorHandler<'researcher'> {
  async handle(
    { input }: ActorMessage<'researcher'>,
    ctx: ActorContext,
  ): Promise<JobResult<'researcher'>> {
    const user = [`Question: ${input.question}`, input.context && `Context:\n${input.context}`]
      .filter(Boolean)
      .join('\n\n');
    const { finishReason: _, ...answer } = await singleCall(ctx, SYSTEM, user, input);
    return answer;
  }
}
