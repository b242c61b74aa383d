import { setImmediate as nextTurn } from 'node:timers/promises';
import type { AnswerContext } from './answer-context';
import type { ChatAnswer } from './wire-protocol';

export interface StreamPlan {
  /** Wait after the headers, before the first event. */
  delayMs: number;
  /** Content tokens to send before `ending` when it is not `complete`. */
  stopAfter: number;
  /** `complete`: every token and the closing events; `cut`: destroy the socket; `end`: end cleanly. */
  ending: 'complete' | 'cut' | 'end';
}

/**
 * Streams an answer event by event. Each write waits until it reached the socket, so a client
 * sees tokens one by one and a cut never loses what was sent before it.
 */
export async function writeStream(ctx: AnswerContext, a: ChatAnswer, plan: StreamPlan) {
  const { exchange, protocol, tracker } = ctx;
  tracker.countInput(a.inputTokens, a.cachedInputTokens);
  exchange.startStream(protocol.streamContentType);
  if (plan.delayMs > 0) await exchange.pause(plan.delayMs);
  for (const event of protocol.streamOpen(a)) if (!(await exchange.write(event))) return;

  const count =
    plan.ending === 'complete' ? a.tokens.length : Math.min(plan.stopAfter, a.tokens.length);
  for (let i = 0; i < count; i++) {
    // Between tokens the configured delay, or at least one turn so a client's abort can land.
    if (i > 0 && ctx.tokenDelayMs > 0) await exchange.pause(ctx.tokenDelayMs);
    else await nextTurn();
    if (!(await exchange.write(protocol.streamToken(a, a.tokens[i], i)))) return;
    tracker.countOutput();
  }

  if (plan.ending === 'cut') return exchange.cut();
  if (plan.ending === 'complete') {
    for (const event of protocol.streamToolCalls(a)) {
      await nextTurn();
      if (!(await exchange.write(event.data))) return;
      if (event.outputTokens > 0) tracker.countOutput(event.outputTokens);
    }
    for (const event of protocol.streamClose(a)) if (!(await exchange.write(event))) return;
  }
  exchange.end();
}
