import { Logger } from '@nestjs/common';
import type { BudgetRefusal } from '@switchboard/budget';
import type { LlmConfig } from '@switchboard/config';
import type { ModelCatalogue } from '../catalogue/model-catalogue';
import type { Capability } from '../catalogue/model-catalogue.schema';
import { callCostMicros } from '../catalogue/cost';
import type {
  EmbedRequest,
  EmbedResponse,
  LlmRequest,
  LlmResponse,
  LlmRouting,
  LlmStreamEvent,
} from '../llm.types';
import { ProviderError } from '../providers/provider-error';
import type { ToolCall } from '../messages/llm-message';
import type { ProviderAdapter, ProviderChatCall, ProviderUsage } from '../providers/provider.types';
import { estimateMessageTokens, estimateTokens } from '../token-count';
import { Attempt, type AttemptServices } from './attempt';
import { BudgetExceededError } from './budget-errors';
import { holdBudget, type CallBudget } from './call-budget';
import { planCandidates, type Candidate } from './candidates';
import { ToolCallAssembler } from '../messages/tool-call-assembler';
import { messageInput, type MessageInput } from '../messages/message-input';
import { inputTokenBound } from './input-bound';
import { requiredCapabilities } from './required-capabilities';
import { AttemptRecord, lostRow, NO_USAGE, type InvocationSink } from './invocation-recorder';
import { LatencyTracker } from './latency-tracker';
import type { ProviderGate } from './provider-gate';
import { ProvidersExhaustedError, StreamInterruptedError } from './routing-errors';
import { StopMatcher } from './stop-matcher';

export interface RouterDeps {
  catalogue: ModelCatalogue;
  adapters: ReadonlyMap<string, ProviderAdapter>;
  gate: ProviderGate;
  invocations: InvocationSink;
  /** Budget reservations; absent, calls are not budgeted. */
  budget?: CallBudget;
  /**
   * Log through the durable ledger (rows written with each settlement, every call registered
   * at reservation) instead of `invocations`; needs `budget`.
   */
  durableLog?: boolean;
  config: Pick<
    LlmConfig,
    'defaultMaxTokens' | 'requestTimeoutMs' | 'rateLimitCooldownMs' | 'logPrompts'
  >;
  /** Providers whose last health check failed: tried after the healthy ones. */
  unhealthy: () => ReadonlySet<string>;
}

/** A call's input: our own o200k count, its texts and images (for the byte bound). */
interface CallInput extends MessageInput {
  counted: number;
}

/** One routed call's progress over its candidates. */
interface CallState {
  tried: string[];
  refusals: BudgetRefusal[];
  lastError?: unknown;
}

/**
 * Routes each call across the catalogue's candidates: skips providers whose circuit is open
 * or that are cooling down after a 429, reserves each attempt's worst case against the
 * tenant's budgets, fails over on retryable errors only, escalates tiers only up to the job's
 * ceiling, and logs every attempt.
 */
export class LlmRouter {
  readonly latency = new LatencyTracker();
  private readonly services: AttemptServices;

  constructor(private readonly deps: RouterDeps) {
    if (deps.durableLog && !deps.budget) throw new Error('the durable invocation log needs budget');
    this.services = {
      durableLog: deps.durableLog ?? false,
      catalogue: deps.catalogue,
      gate: deps.gate,
      invocations: deps.invocations,
      budget: deps.budget,
      latency: this.latency,
      logger: new Logger('LlmRouter'),
      config: deps.config,
    };
  }

  async chat(request: LlmRequest, routing: LlmRouting): Promise<LlmResponse> {
    const input = this.inputOf(request);
    const context = input.counted + (request.maxTokens ?? 0);
    const plan = this.plan(routing, requiredCapabilities(request), request.model, context);
    const state: CallState = { tried: [], refusals: [] };
    for (const [index, candidate] of plan.entries()) {
      const attempt = await this.begin(candidate, 'chat', state, routing, input, request);
      if (!attempt) continue;
      try {
        const result = await this.adapter(candidate).chat(
          this.providerCall(candidate, request, attempt.hold.maxTokens, attempt.signal),
        );
        // Some OpenAI-compatible servers send no usage: count it rather than log a free call.
        const calls = result.toolCalls?.length ? JSON.stringify(result.toolCalls) : '';
        const output = result.text + calls;
        const usage =
          result.usage.inputTokens + result.usage.outputTokens === 0 &&
          (result.text || result.toolCalls?.length)
            ? { ...this.counted(input, 0), outputTokens: estimateTokens(output) }
            : result.usage;
        // Without a stream the provider cannot be stopped early; the text still ends there.
        const stop = StopMatcher.active(request.stop) ? new StopMatcher(request.stop) : undefined;
        const text = stop ? stop.push(result.text) + stop.flush() : result.text;
        const finish = stop?.stopped ? 'stop' : result.finishReason;
        const response = this.response(candidate, text, finish, usage, result.toolCalls);
        await attempt.succeeded(usage, response);
        return response;
      } catch (error) {
        const more = index < plan.length - 1;
        const verdict = await attempt.failed(error, { more, tried: state.tried, usage: NO_USAGE });
        if (verdict !== 'failover') throw verdict === 'cancelled' ? attempt.signal.reason : error;
        state.lastError = error;
      } finally {
        attempt.dispose();
      }
    }
    throw this.exhausted(routing, state);
  }

  async *stream(request: LlmRequest, routing: LlmRouting): AsyncIterable<LlmStreamEvent> {
    const input = this.inputOf(request);
    const context = input.counted + (request.maxTokens ?? 0);
    const plan = this.plan(routing, requiredCapabilities(request), request.model, context);
    const state: CallState = { tried: [], refusals: [] };
    let restartFrom: { provider: string; reason: string } | undefined;
    let failedFrom: { provider: string; reason: string } | undefined;
    const requested = request.maxTokens ?? this.deps.config.defaultMaxTokens;
    for (const [index, candidate] of plan.entries()) {
      const attempt = await this.begin(candidate, 'stream', state, routing, input, request);
      if (!attempt) continue;
      const to = candidate.model.key;
      if (restartFrom) {
        yield { type: 'restart', from: restartFrom.provider, to, reason: restartFrom.reason };
        restartFrom = undefined;
      } else if (failedFrom) {
        yield { type: 'failover', from: failedFrom.provider, to, reason: failedFrom.reason };
      }
      failedFrom = undefined;
      if (attempt.hold.maxTokens < requested) {
        const maxTokens = attempt.hold.maxTokens;
        yield { type: 'budget', event: 'max_tokens_lowered', requested, maxTokens };
      }
      const budgeted = attempt.hold.reservation !== null;
      const stop = StopMatcher.active(request.stop) ? new StopMatcher(request.stop) : undefined;
      let text = '';
      let chunks = 0;
      let ended = false;
      const calls = new ToolCallAssembler();
      try {
        for await (const chunk of this.adapter(candidate).stream(
          this.providerCall(candidate, request, attempt.hold.maxTokens, attempt.signal),
        )) {
          attempt.deadline.touch();
          if (chunk.type === 'tool_call') {
            // Each piece is about one token; a tool call is output like text.
            attempt.record.markFirstToken();
            chunks++;
            calls.push(chunk);
            yield chunk;
            continue;
          }
          if (chunk.type === 'delta') {
            if (budgeted && chunks >= attempt.hold.maxTokens) {
              // The reservation is spent and the provider goes on: stop it (the token it
              // already sent is paid for, not shown) and end the stream as cut off.
              ended = true;
              const usage = this.counted(input, chunks + 1);
              const response = this.response(candidate, text, 'budget_exhausted', usage);
              await attempt.stopped(usage, 'budget_exhausted', response);
              yield { type: 'done', response };
              return;
            }
            attempt.record.markFirstToken();
            chunks++;
            const shown = stop ? stop.push(chunk.text) : chunk.text;
            text += shown;
            if (shown) yield { type: 'delta', text: shown };
            if (stop?.stopped) {
              // A stop condition matched: end here and abort the provider's request.
              ended = true;
              const usage = this.counted(input, chunks);
              const response = this.response(candidate, text, 'stop', usage);
              await attempt.stopped(usage, 'stopped', response);
              yield { type: 'done', response };
              return;
            }
            continue;
          }
          const rest = stop?.flush();
          if (rest) {
            text += rest;
            yield { type: 'delta', text: rest };
          }
          const usage = chunk.usage ?? this.counted(input, chunks);
          ended = true;
          const toolCalls = calls.size > 0 ? calls.toolCalls() : undefined;
          const response = this.response(candidate, text, chunk.finishReason, usage, toolCalls);
          await attempt.succeeded(usage, response);
          yield { type: 'done', response };
          return;
        }
        throw new ProviderError('connection', candidate.model.provider, 'stream ended early');
      } catch (error) {
        ended = true;
        const delivered = text.length > 0 || calls.size > 0;
        const verdict = await attempt.failed(error, {
          more: index < plan.length - 1,
          tried: state.tried,
          usage: chunks > 0 || attempt.deadline.jobAborted ? this.counted(input, chunks) : NO_USAGE,
          interrupted: delivered,
        });
        if (verdict !== 'failover') throw verdict === 'cancelled' ? attempt.signal.reason : error;
        state.lastError = error;
        if (delivered) {
          if ((routing.streamFailover ?? 'fail') === 'fail') {
            throw new StreamInterruptedError(candidate.model.key, error);
          }
          restartFrom = { provider: candidate.model.key, reason: (error as Error).message };
        } else {
          failedFrom = { provider: candidate.model.key, reason: (error as Error).message };
        }
      } finally {
        attempt.dispose();
        // The consumer stopped reading (early stop): the request is aborted; log what it used.
        if (!ended) await attempt.stopped(this.counted(input, chunks), 'stopped');
      }
    }
    if (restartFrom) throw new StreamInterruptedError(restartFrom.provider, state.lastError);
    throw this.exhausted(routing, state);
  }

  async embed(request: EmbedRequest, routing: LlmRouting): Promise<EmbedResponse> {
    const plan = this.plan(routing, ['embeddings'], request.model);
    const state: CallState = { tried: [], refusals: [] };
    const counted = request.input.reduce((sum, text) => sum + estimateTokens(text), 0);
    const input = { counted, texts: request.input, images: 0 };
    for (const [index, candidate] of plan.entries()) {
      const adapter = this.adapter(candidate);
      if (!adapter.embed) continue;
      const attempt = await this.begin(candidate, 'embed', state, routing, input);
      if (!attempt) continue;
      try {
        const result = await adapter.embed({
          model: candidate.model.id,
          input: request.input,
          signal: attempt.signal,
        });
        await attempt.succeeded(result.usage);
        return {
          embeddings: result.embeddings,
          usage: this.usage(candidate, result.usage),
          model: candidate.model.id,
          provider: candidate.model.provider,
        };
      } catch (error) {
        const more = index < plan.length - 1;
        const verdict = await attempt.failed(error, { more, tried: state.tried, usage: NO_USAGE });
        if (verdict !== 'failover') throw verdict === 'cancelled' ? attempt.signal.reason : error;
        state.lastError = error;
      } finally {
        attempt.dispose();
      }
    }
    throw this.exhausted(routing, state);
  }

  private plan(
    routing: LlmRouting,
    capabilities: Capability[],
    model?: string,
    contextTokens?: number,
  ): Candidate[] {
    const ceiling = routing.maxTier ?? routing.tier;
    return planCandidates(
      this.deps.catalogue,
      {
        tier: routing.tier,
        maxTier: ceiling > routing.tier ? ceiling : routing.tier,
        privacy: routing.privacy,
        capabilities: [...new Set(capabilities)],
        model,
        contextTokens,
      },
      this.latency,
      this.deps.unhealthy(),
    );
  }

  /**
   * Asks the shared gate, then the budget. A refused candidate is noted and skipped: a
   * cheaper one may still fit the budget.
   */
  private async begin(
    candidate: Candidate,
    kind: 'chat' | 'stream' | 'embed',
    state: CallState,
    routing: LlmRouting,
    input: CallInput,
    request?: LlmRequest,
  ): Promise<Attempt | undefined> {
    const key = candidate.model.key;
    // In-process providers (simulated) have no endpoint to protect: no breaker, no cooldown.
    const gated = this.deps.catalogue.provider(candidate.model.provider).kind !== 'simulated';
    const ticket = !gated
      ? { allowed: true, state: 'closed' as const, waitMs: 0 }
      : await this.deps.gate.acquire(candidate.model.provider);
    if (!ticket.allowed) {
      const why = ticket.state === 'cooldown' ? 'rate-limited' : `circuit ${ticket.state}`;
      state.tried.push(`${key} skipped (${why}, ${ticket.waitMs} ms left)`);
      return undefined;
    }
    const maxTokens =
      kind === 'embed' ? 0 : (request?.maxTokens ?? this.deps.config.defaultMaxTokens);
    const number = state.tried.filter((t) => !t.includes(' skipped (')).length + 1;
    const record = new AttemptRecord(candidate, kind, number);
    const hold = await holdBudget(
      this.deps.budget,
      routing,
      candidate.model,
      inputTokenBound(candidate.model, input, input.counted),
      maxTokens,
      this.services.durableLog ? { id: record.id, row: lostRow(record, routing) } : undefined,
    );
    if ('refusal' in hold) {
      state.refusals.push(hold.refusal);
      state.tried.push(`${key} skipped (budget ${hold.refusal.poolId} short)`);
      if (ticket.state === 'probe')
        void this.deps.gate.record(candidate.model.provider, 'release', true);
      return undefined;
    }
    state.tried.push(key);
    return new Attempt(
      this.services,
      candidate,
      routing,
      record,
      { gated, probe: ticket.state === 'probe' },
      hold,
      request,
    );
  }

  private inputOf(request: LlmRequest): CallInput {
    return {
      counted: estimateMessageTokens(request.messages, request.tools),
      ...messageInput(request.messages, request.tools),
    };
  }

  private providerCall(
    candidate: Candidate,
    request: LlmRequest,
    maxTokens: number,
    signal: AbortSignal,
  ): ProviderChatCall {
    const { messages, temperature, tools, toolChoice, parallelToolCalls, responseFormat } = request;
    return {
      model: candidate.model.id,
      messages,
      maxTokens,
      signal,
      ...(temperature === undefined ? {} : { temperature }),
      ...(tools ? { tools, toolChoice, parallelToolCalls } : {}),
      ...(responseFormat ? { responseFormat } : {}),
    };
  }

  /** The error for a call no candidate served: budget refusals win over provider failures. */
  private exhausted(routing: LlmRouting, state: CallState): Error {
    const served = state.tried.some((t) => !t.includes(' skipped ('));
    if (state.refusals.length > 0 && !served) return new BudgetExceededError(state.refusals[0]);
    return new ProvidersExhaustedError(
      routing.privacy || routing.tier === 0,
      state.tried,
      state.lastError,
    );
  }

  /** Usage when the provider sent none: our own count (each streamed chunk is one token). */
  private counted(input: CallInput, chunks: number): ProviderUsage {
    return {
      inputTokens: input.counted,
      outputTokens: chunks,
      cachedInputTokens: 0,
      counted: true,
    };
  }

  private response(
    candidate: Candidate,
    text: string,
    finishReason: LlmResponse['finishReason'],
    usage: ProviderUsage,
    toolCalls?: ToolCall[],
  ): LlmResponse {
    return {
      text,
      ...(toolCalls?.length ? { toolCalls } : {}),
      finishReason,
      usage: this.usage(candidate, usage),
      model: candidate.model.id,
      provider: candidate.model.provider,
      tier: candidate.tier,
    };
  }

  private usage(candidate: Candidate, usage: ProviderUsage) {
    const { inputTokens, outputTokens, cachedInputTokens } = usage;
    const costMicros = callCostMicros(candidate.model.prices, usage);
    return { inputTokens, outputTokens, cachedInputTokens, costMicros };
  }

  private adapter(candidate: Candidate): ProviderAdapter {
    const adapter = this.deps.adapters.get(candidate.model.provider);
    if (!adapter) throw new Error(`no adapter for provider '${candidate.model.provider}'`);
    return adapter;
  }
}
