import type { LlmRequest, LlmRouting, LlmStreamEvent } from '../llm.types';
import { ToolCallAssembler } from '../messages/tool-call-assembler';
import { ProviderError } from '../providers/provider-error';
import type { ProviderAdapter, ProviderStreamChunk } from '../providers/provider.types';
import type { Attempt } from './attempt';
import {
  adapterFor,
  countedUsage,
  providerCall,
  routedResponse,
  type CallInput,
} from './call-parts';
import type { AttemptRun, CallState, CandidateCall } from './candidate-loop';
import { NO_USAGE } from './invocation-recorder';
import { StreamInterruptedError } from './routing-errors';
import { StopMatcher } from './stop-matcher';

type Events<T = void> = AsyncGenerator<LlmStreamEvent, T, undefined>;

/** A broken attempt: its provider, why, and what it had delivered. */
interface BrokenAttempt {
  provider: string;
  reason: string;
  delivered: { text: boolean; toolCalls: boolean };
}

/**
 * A streamed call. Between attempts it tells the caller what happened: `failover` when a
 * provider failed before any output, `restart` when output had reached the caller and the
 * job's policy is `restart` (under `fail` the call ends with StreamInterruptedError).
 */
export class StreamCall implements CandidateCall<void, LlmStreamEvent> {
  readonly kind = 'stream';
  private restartFrom?: BrokenAttempt;
  private failedFrom?: BrokenAttempt;

  constructor(
    readonly adapters: ReadonlyMap<string, ProviderAdapter>,
    readonly request: LlmRequest,
    readonly routing: LlmRouting,
    readonly input: CallInput,
    /** max_tokens as asked (the request's or the default); the budget may lower it. */
    readonly maxTokens: number,
  ) {}

  open(attempt: Attempt): AttemptRun<void, LlmStreamEvent> {
    return new StreamAttempt(this, attempt);
  }

  /** What an attempt starts with: how the last one ended, and a max_tokens the budget lowered. */
  async *notices(attempt: Attempt): Events {
    const to = attempt.candidate.model.key;
    if (this.restartFrom) {
      const { provider: from, reason, delivered: discard } = this.restartFrom;
      yield { type: 'restart', from, to, reason, discard };
      this.restartFrom = undefined;
    } else if (this.failedFrom) {
      yield {
        type: 'failover',
        from: this.failedFrom.provider,
        to,
        reason: this.failedFrom.reason,
      };
    }
    this.failedFrom = undefined;
    if (attempt.hold.maxTokens < this.maxTokens) {
      const { maxTokens } = attempt.hold;
      yield { type: 'budget', event: 'max_tokens_lowered', requested: this.maxTokens, maxTokens };
    }
  }

  /** After a failover verdict: a failover notice, a restart, or (policy `fail`) the end. */
  brokeOff(broken: BrokenAttempt, error: unknown): void {
    const { text, toolCalls } = broken.delivered;
    if (!text && !toolCalls) {
      this.failedFrom = broken;
      return;
    }
    if ((this.routing.streamFailover ?? 'fail') === 'fail') {
      throw new StreamInterruptedError(broken.provider, error);
    }
    this.restartFrom = broken;
  }

  /** Output reached the caller and no later provider started again: the stream broke. */
  exhausted(state: CallState): Error | undefined {
    if (!this.restartFrom) return undefined;
    return new StreamInterruptedError(this.restartFrom.provider, state.lastError);
  }
}

/** One streamed attempt: text through the stop matcher, tool-call pieces assembled, one `done`. */
class StreamAttempt implements AttemptRun<void, LlmStreamEvent> {
  private text = '';
  /** Chunks received: about one token each, our own count when the provider sends none. */
  private chunks = 0;
  private ended = false;
  /** The provider was asked (a consumer can also leave at a notice before that). */
  private requested = false;
  private readonly calls = new ToolCallAssembler();
  private readonly stop: StopMatcher | undefined;

  constructor(
    private readonly call: StreamCall,
    private readonly attempt: Attempt,
  ) {
    const stop = call.request.stop;
    this.stop = StopMatcher.active(stop) ? new StopMatcher(stop) : undefined;
  }

  async *run(): Events {
    const { attempt, call } = this;
    const { candidate } = attempt;
    yield* call.notices(attempt);
    const chunks = adapterFor(call.adapters, candidate).stream(
      providerCall(candidate, call.request, attempt.hold.maxTokens, attempt.signal),
    );
    this.requested = true;
    for await (const chunk of chunks) {
      attempt.deadline.touch();
      if (chunk.type === 'done') return yield* this.finish(chunk);
      const ended =
        chunk.type === 'delta' ? yield* this.delta(chunk.text) : yield* this.toolCall(chunk);
      if (ended) return;
    }
    throw new ProviderError('connection', candidate.model.provider, 'stream ended early');
  }

  spent() {
    const { chunks, attempt } = this;
    return {
      usage: chunks > 0 || attempt.deadline.jobAborted ? this.counted() : NO_USAGE,
      interrupted: this.text.length > 0 || this.calls.size > 0,
    };
  }

  failedOver(error: unknown): void {
    const delivered = { text: this.text.length > 0, toolCalls: this.calls.size > 0 };
    const provider = this.attempt.candidate.model.key;
    this.call.brokeOff({ provider, reason: (error as Error).message, delivered }, error);
  }

  /** The consumer stopped reading (early stop): the request is aborted; log what it used. */
  async close(failed: boolean): Promise<void> {
    if (this.ended || failed) return;
    await this.attempt.stopped(this.requested ? this.counted() : NO_USAGE, 'stopped');
  }

  /** A piece of a tool call: about one token, output like text. Returns true when it ended the stream. */
  private async *toolCall(
    piece: Extract<ProviderStreamChunk, { type: 'tool_call' }>,
  ): Events<boolean> {
    if (this.spentOut()) return yield* this.cutOff();
    this.attempt.record.markFirstToken();
    this.chunks++;
    this.calls.push(piece);
    yield piece;
    return false;
  }

  /** A piece of text; returns true when it ended the stream (a stop condition, the budget). */
  private async *delta(piece: string): Events<boolean> {
    if (this.spentOut()) return yield* this.cutOff();
    this.attempt.record.markFirstToken();
    this.chunks++;
    const shown = this.stop ? this.stop.push(piece) : piece;
    this.text += shown;
    if (shown) yield { type: 'delta', text: shown };
    if (!this.stop?.stopped) return false;
    // A stop condition matched: end here and abort the provider's request.
    this.ended = true;
    const usage = this.counted();
    const response = routedResponse(this.attempt.candidate, this.text, 'stop', usage);
    await this.attempt.stopped(usage, 'stopped', response);
    yield { type: 'done', response };
    return true;
  }

  /** The reservation's output is used up (a call outside any budget has no limit here). */
  private spentOut(): boolean {
    return this.attempt.hold.reservation !== null && this.chunks >= this.attempt.hold.maxTokens;
  }

  /**
   * The reservation is spent and the provider goes on: stop it (the token it already sent is
   * paid for, not shown) and end the stream as cut off. The answer keeps the text so far but
   * no tool calls: a call whose arguments were cut is not one to run.
   */
  private async *cutOff(): Events<boolean> {
    this.ended = true;
    const usage = countedUsage(this.call.input, this.chunks + 1);
    const response = routedResponse(this.attempt.candidate, this.text, 'budget_exhausted', usage);
    await this.attempt.stopped(usage, 'budget_exhausted', response);
    yield { type: 'done', response };
    return true;
  }

  /** The provider's `done`: the stop matcher's held-back text, then the whole answer. */
  private async *finish(done: Extract<ProviderStreamChunk, { type: 'done' }>): Events {
    const rest = this.stop?.flush();
    if (rest) {
      this.text += rest;
      yield { type: 'delta', text: rest };
    }
    const usage = done.usage ?? this.counted();
    this.ended = true;
    const toolCalls = this.calls.size > 0 ? this.calls.toolCalls() : undefined;
    const { candidate } = this.attempt;
    const response = routedResponse(candidate, this.text, done.finishReason, usage, toolCalls);
    await this.attempt.succeeded(usage, response);
    yield { type: 'done', response };
  }

  private counted() {
    return countedUsage(this.call.input, this.chunks);
  }
}
