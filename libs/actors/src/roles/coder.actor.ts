import type { JobResult } from '@switchboard/catalogue';
import { Actor } from '../actor.decorator';
import type { ActorContext, ActorHandler, ActorMessage } from '../actor.types';
import { singleCall } from './single-call';

const SYSTEM =
  'You are a careful software engineer. Write correct, idiomatic code for the task. ' +
  'Answer with the code first, then a short note on anything the reader must know.';

@Actor('coder')
export class CoderActor implements ActorHandler<'coder'> {
  async handle({ input }: ActorMessage<'coder'>, ctx: ActorContext): Promise<JobResult<'coder'>> {
    const files = (input.files ?? []).map((f) => `--- ${f.path}\n${f.content}`).join('\n\n');
    const user = [
      `Task: ${input.task}`,
      input.language && `Language: ${input.language}`,
      files && `Files:\n${files}`,
    ]
      .filter(Boolean)
      .join('\n\n');
    const { finishReason: _, ...answer } = await singleCall(ctx, SYSTEM, user, input);
    return answer;
  }
}
