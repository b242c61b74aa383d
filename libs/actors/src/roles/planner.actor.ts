import type { JobResult } from '@switchboard/catalogue';
import { Actor } from '../actor.decorator';
import type { ActorContext, ActorHandler, ActorMessage } from '../actor.types';
import { singleCall } from './single-call';

const SYSTEM =
  'You are a planning agent. Break the goal into short, concrete, ordered steps. ' +
  'Answer with a numbered list, one step per line, and nothing else.';

/** Numbered lines of the answer; the whole answer if the model gave no list. */
export function parseSteps(text: string, maxSteps: number): string[] {
  const steps = text
    .split('\n')
    .map((line) => /^\s*\d+[.)]\s+(.+)$/.exec(line)?.[1]?.trim())
    .filter((s): s is string => Boolean(s));
  return (steps.length > 0 ? steps : [text.trim()]).slice(0, maxSteps);
}

@Actor('planner')
export class PlannerActor implements ActorHandler<'planner'> {
  async handle(
    { input }: ActorMessage<'planner'>,
    ctx: ActorContext,
  ): Promise<JobResult<'planner'>> {
    const maxSteps = input.maxSteps ?? 8;
    const user = [
      `Goal: ${input.goal}`,
      input.context && `Context:\n${input.context}`,
      `At most ${maxSteps} steps.`,
    ]
      .filter(Boolean)
      .join('\n\n');
    const { finishReason: _, ...answer } = await singleCall(ctx, SYSTEM, user, input);
    return { ...answer, steps: parseSteps(answer.text, maxSteps) };
  }
}
