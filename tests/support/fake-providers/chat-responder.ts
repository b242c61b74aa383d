import { sendFailure, sendTruncatedJson, type AnswerContext } from './answer-context';
import type { FakeBehaviour } from './fake-provider.types';
import { planAnswer, toolCallTokens } from './token-rules';
import { writeStream, type StreamPlan } from './stream-writer';
import {
  outputTokens,
  type AnswerToolCall,
  type ChatAnswer,
  type ChatRequestInfo,
} from './wire-protocol';

type OkBehaviour = Extract<FakeBehaviour, { type: 'ok' }>;

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Scripted tool calls as rendered: made-up ids unless given, arguments as JSON text. */
function toolCallsOf(ok: OkBehaviour | undefined, idBase: string): AnswerToolCall[] {
  return (ok?.toolCalls ?? []).map((call, i) => {
    const text =
      typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {});
    return {
      id: call.id ?? `${idBase}_${i}`,
      name: call.name,
      arguments: text,
      input: typeof call.arguments === 'string' ? parsed(text) : (call.arguments ?? {}),
      tokens: toolCallTokens(call.name, text),
    };
  });
}

/** The answer text: `json` as JSON text, else `text`; none by default when tools are called. */
function textOf(ok: OkBehaviour | undefined): string | undefined {
  if (ok?.json !== undefined) return JSON.stringify(ok.json);
  return ok?.text ?? (ok?.toolCalls?.length ? '' : undefined);
}

const COMPLETE: StreamPlan = { delayMs: 0, stopAfter: 0, ending: 'complete' };

function answerFor(ctx: AnswerContext, request: ChatRequestInfo, behaviour: FakeBehaviour) {
  const ok = behaviour.type === 'ok' ? behaviour : undefined;
  // `ignoreMaxTokens`: a provider that overruns max_tokens (budget cut-off tests).
  const limit = ok?.ignoreMaxTokens ? undefined : request.maxTokens;
  const planned = planAnswer(ctx.tokensPerResponse, limit, textOf(ok));
  const id = ctx.nextId();
  const toolCalls = toolCallsOf(ok, `${ctx.protocol.toolCallIdPrefix}${id}`);
  const answer: ChatAnswer = {
    id,
    model: request.model,
    created: Math.floor(Date.now() / 1000),
    startedAt: Date.now(),
    inputTokens: request.inputTokens,
    cachedInputTokens: Math.min(Math.max(0, ok?.cachedInputTokens ?? 0), request.inputTokens),
    tokens: planned.tokens,
    toolCalls,
    // Tool calls are never cut by the limit; a cut text still says `length`.
    finish: toolCalls.length > 0 && planned.finish === 'stop' ? 'tool_calls' : planned.finish,
    omitUsage: ok?.omitUsage ?? false,
    streamUsage: request.streamUsage,
  };
  return answer;
}

function sendWhole(ctx: AnswerContext, answer: ChatAnswer): void {
  if (ctx.exchange.gone) return;
  ctx.tracker.countInput(answer.inputTokens, answer.cachedInputTokens);
  ctx.tracker.countOutput(outputTokens(answer));
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
