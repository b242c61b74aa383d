import type { JobResult } from '@switchboard/catalogue';
import { Actor } from '../actor.decorator';
import type { ActorContext, ActorHandler, ActorMessage } from '../actor.types';
import { singleCall } from './single-call';

const SYSTEM =
  'You are a web agent. Explain how you would carry out the task on the given page, ' +
  'step by step. You cannot see the page yet, so do not claim what it contains.';

/** For now a planning call only: driving a real browser arrives in a later issue. */
@Actor('browser')
export class BrowserActor implements ActorHandler<'browser'> {
  async handle(
    { input }: ActorMessage<'browser'>,
    ctx: ActorContext,
  ): Promise<JobResult<'browser'>> {
    const user = `Page: ${input.url}\n\nTask: ${input.task}`;
    const { finishReason: _, ...answer } = await singleCall(ctx, SYSTEM, user, input);
    return { ...answer, url: input.url };
  }
}
