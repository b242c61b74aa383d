import { sendFailure, sendTruncatedJson, type AnswerContext } from './answer-context';
import type { FakeBehaviour } from './fake-provider.types';
import { planAnswer } from './token-rules';
import { writeStream, type StreamPlan } from './stream-writer';
import type { ChatAnswer, ChatRequestInfo } from './wire-protocol';

const COMPLETE: StreamPlan = { delayMs: 0, stopAfter: 0, ending: 'complete' };

function answerFor(ctx: AnswerContext, request: ChatRequestInfo, behaviour: FakeBehaviour) {
  const ok = behaviour.type === 'ok' ? behaviour : undefined;
  // `ignoreMaxTokens`: a provider that overruns max_tokens (budget cut-off tests).
  const limit = ok?.ignoreMaxTokens ? undefined : request.maxTokens;
  const planned = planAnswer(ctx.tokensPerResponse, limit, ok?.text);
  const answer: ChatAnswer = {
    id: ctx.nextId(),
    model: request.model,
    created: Math.floor(Date.now() / 1000),
    startedAt: Date.now(),
    inputTokens: request.inputTokens,
    cachedInputTokens: Math.min(Math.max(0, ok?.cachedInputTokens ?? 0), request.inputTokens),
    tokens: planned.tokens,
    finish: planned.finish,
    omitUsage: ok?.omitUsage ?? false,
    streamUsage: request.streamUsage,
  };
  return answer;
}

function sendWhole(ctx: AnswerContext, answer: ChatAnswer): void {
  if (ctx.exchange.gone) return;
  ctx.tracker.countInput(answer.inputTokens, answer.cachedInputTokens);
  ctx.tracker.countOutput(answer.tokens.length);
  ctx.exchange.sendJson(200, ctx.protocol.chatBody(answer));
}

/** Plays one behaviour on a chat request, streamed or not. */
export async function answerChat(
  ctx: AnswerContext,
  request: ChatRequestInfo,
  behaviour: FakeBehaviour,
): Promise<void> {
  const answer = answerFor(ctx, request, behaviour);
  switch (behaviour.type) {
    case 'status':
    case 'rate-limit':
      return sendFailure(ctx, behaviour, request.inputTokens);
    case 'hang':
      return;
    case 'cut':
      if (!request.stream) return ctx.exchange.cut();
      return writeStream(ctx, answer, {
        delayMs: 0,
        stopAfter: behaviour.afterTokens,
        ending: 'cut',
      });
    case 'end-early':
      if (request.stream) {
        const plan = { delayMs: 0, stopAfter: behaviour.afterTokens, ending: 'end' } as const;
        return writeStream(ctx, answer, plan);
      }
      ctx.tracker.countInput(answer.inputTokens, answer.cachedInputTokens);
      return sendTruncatedJson(ctx, ctx.protocol.chatBody(answer));
    case 'delay-first-token':
      if (request.stream) return writeStream(ctx, answer, { ...COMPLETE, delayMs: behaviour.ms });
      await ctx.exchange.pause(behaviour.ms);
      return sendWhole(ctx, answer);
    case 'ok':
      return request.stream ? writeStream(ctx, answer, COMPLETE) : sendWhole(ctx, answer);
  }
}
