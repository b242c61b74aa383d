import { sendFailure, sendTruncatedJson, type AnswerContext } from './answer-context';
import type { FakeBehaviour } from './fake-provider.types';
import type { OneShotCodec } from './wire-protocol';

function sendBody<R extends { inputTokens: number }>(
  ctx: AnswerContext,
  codec: OneShotCodec<R>,
  request: R,
  omitUsage: boolean,
): void {
  if (ctx.exchange.gone) return;
  ctx.tracker.countInput(request.inputTokens, 0);
  ctx.exchange.sendJson(200, codec.body(request, omitUsage));
}

/** Plays one behaviour on an embeddings or rerank request (never streamed). */
export async function answerEmbed<R extends { inputTokens: number }>(
  ctx: AnswerContext,
  codec: OneShotCodec<R>,
  request: R,
  behaviour: FakeBehaviour,
): Promise<void> {
  switch (behaviour.type) {
    case 'status':
    case 'rate-limit':
      return sendFailure(ctx, behaviour, request.inputTokens);
    case 'hang':
      return;
    case 'cut':
      return ctx.exchange.cut();
    case 'end-early':
      ctx.tracker.countInput(request.inputTokens, 0);
      return sendTruncatedJson(ctx, codec.body(request, false));
    case 'delay-first-token':
      await ctx.exchange.pause(behaviour.ms);
      return sendBody(ctx, codec, request, false);
    case 'ok':
      return sendBody(ctx, codec, request, behaviour.omitUsage ?? false);
  }
}
