import type { JobResult } from '@switchboard/catalogue';
import { Actor } from '../actor.decorator';
import type { ActorContext, ActorHandler, ActorMessage } from '../actor.types';
import { singleCall } from './single-call';

const SYSTEM =
  'You are an impartial judge. Compare the candidates against the criteria, briefly, ' +
  'then end with one line: WINNER: <number of the best candidate, counting from 0>.';

/** The winner line of a judgement, if it names a real candidate; else the first candidate. */
export function parseWinner(text: string, candidates: number): number {
  const found = Number(/WINNER:\s*(\d+)/i.exec(text)?.[1]);
  return Number.isInteger(found) && found >= 0 && found < candidates ? found : 0;
}

@Actor('judge')
export class JudgeActor implements ActorHandler<'judge'> {
  async handle({ input }: ActorMessage<'judge'>, ctx: ActorContext): Promise<JobResult<'judge'>> {
    const listed = input.candidates.map((c, i) => `Candidate ${i}:\n${c}`).join('\n\n');
    const user = `Criteria: ${input.criteria}\n\n${listed}`;
    const { finishReason: _, ...answer } = await singleCall(ctx, SYSTEM, user, input);
    return { ...answer, winner: parseWinner(answer.text, input.candidates.length) };
  }
}
