import { REVIEW_VERDICTS, type JobResult } from '@switchboard/catalogue';
import { Actor } from '../actor.decorator';
import type { ActorContext, ActorHandler, ActorMessage } from '../actor.types';
import { singleCall } from './single-call';

const SYSTEM =
  'You are a code reviewer. Point out bugs, risks and unclear code, most serious first. ' +
  'End with one line: VERDICT: approve, VERDICT: request_changes or VERDICT: comment.';

type Verdict = (typeof REVIEW_VERDICTS)[number];

/** The verdict line of a review; `comment` when the model gave none. */
export function parseVerdict(text: string): Verdict {
  const found = /VERDICT:\s*(approve|request_changes|comment)/i.exec(text)?.[1]?.toLowerCase();
  return (REVIEW_VERDICTS as readonly string[]).includes(found ?? '')
    ? (found as Verdict)
    : 'comment';
}

@Actor('reviewer')
export class ReviewerActor implements ActorHandler<'reviewer'> {
  async handle(
    { input }: ActorMessage<'reviewer'>,
    ctx: ActorContext,
  ): Promise<JobResult<'reviewer'>> {
    const user = [
      input.instructions && `Instructions: ${input.instructions}`,
      `Review this:\n${input.content}`,
    ]
      .filter(Boolean)
      .join('\n\n');
    const { finishReason: _, ...answer } = await singleCall(ctx, SYSTEM, user, input);
    return { ...answer, verdict: parseVerdict(answer.text) };
  }
}
