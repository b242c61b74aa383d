import type { FakeBehaviour } from './fake-provider.types';
import type { CallTracker } from './fake-stats';
import type { HttpExchange } from './http-exchange';
import type { WireProtocol } from './wire-protocol';

/** Everything one answer needs from its server. */
export interface AnswerContext {
  exchange: HttpExchange;
  protocol: WireProtocol;
  tracker: CallTracker;
  tokensPerResponse: number;
  tokenDelayMs: number;
  /** A fresh id for a response object (`chatcmpl-…`, `msg_…`). */
  nextId(): string;
}

export type FailureBehaviour = Extract<FakeBehaviour, { type: 'status' | 'rate-limit' }>;

/** A status or rate-limit behaviour: the provider's error body, plus retry hints on a 429. */
export function sendFailure(ctx: AnswerContext, behaviour: FailureBehaviour, inputTokens: number) {
  if (behaviour.type === 'status') {
    const body = ctx.protocol.errorBody(behaviour.status, behaviour.message, inputTokens);
    ctx.exchange.sendJson(behaviour.status, body);
    return;
  }
  const headers: Record<string, string> = {};
  if (behaviour.retryAfterSeconds !== undefined) {
    headers['retry-after'] = String(behaviour.retryAfterSeconds);
  }
  if (behaviour.retryAfterMs !== undefined)
    headers['retry-after-ms'] = String(behaviour.retryAfterMs);
  ctx.exchange.sendJson(429, ctx.protocol.errorBody(429, undefined, inputTokens), headers);
}

/** A 200 that ends cleanly halfway through its JSON body: a complete-looking, unusable answer. */
export function sendTruncatedJson(ctx: AnswerContext, body: unknown): void {
  const text = JSON.stringify(body);
  ctx.exchange.sendText(200, text.slice(0, Math.floor(text.length / 2)), 'application/json');
}
