import { Logger } from '@nestjs/common';
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
import type { ProviderAdapter, ProviderUsage } from '../providers/provider.types';
import { estimateMessageTokens, estimateTokens } from '../token-count';
import { AttemptDeadline } from './attempt-deadline';
import { planCandidates, type Candidate } from './candidates';
import { AttemptRecord, NO_USAGE, type InvocationSink } from './invocation-recorder';
import { LatencyTracker } from './latency-tracker';
import type { ProviderGate } from './provider-gate';
import { ProvidersExhaustedError, StreamInterruptedError } from './routing-errors';

export interface RouterDeps {
  catalogue: ModelCatalogue;
  adapters: ReadonlyMap<string, ProviderAdapter>;
  gate: ProviderGate;
  invocations: InvocationSink;
  config: Pick<
    LlmConfig,
    'defaultMaxTokens' | 'requestTimeoutMs' | 'rateLimitCooldownMs' | 'logPrompts'
  >;
  /** Providers whose last health check failed: tried after the healthy ones. */
  unhealthy: () => ReadonlySet<string>;
}

/** How one failed attempt is handled. */
type Verdict = 'cancelled' | 'fatal' | 'failover';

/**
 * Routes each call across the catalogue's candidates: skips providers whose circuit is open
 * or that are cooling down after a 429, fails over on retryable errors only, escalates
 * tiers only up to the job's ceiling, and logs every attempt.
 */
export class LlmRouter {
  private readonly logger = new Logger('LlmRouter');
  readonly latency = new LatencyTracker();

  constructor(private readonly deps: RouterDeps) {}

  async chat(request: LlmRequest, routing: LlmRouting): Promise<LlmResponse> {
    const plan = this.plan(routing, ['chat', ...(request.capabilities ?? [])], request.model);
    const tried: string[] = [];
    let lastError: unknown;
    for (const [index, candidate] of plan.entries()) {
      const ticket = await this.admit(candidate, tried);
      if (!ticket) continue;
      const record = new AttemptRecord(candidate, 'chat', tried.length);
      const deadline = this.deadline(candidate, routing);
      try {
        const result = await this.adapter(candidate).chat({
          model: candidate.model.id,
          messages: request.messages,
          maxTokens: request.maxTokens ?? this.deps.config.defaultMaxTokens,
          temperature: request.temperature,
          signal: deadline.signal,
        });
        // Some OpenAI-compatible servers send no usage: count it rather than log a free call.
        const usage =
          result.usage.inputTokens + result.usage.outputTokens === 0 && result.text
            ? { ...this.counted(request, 0), outputTokens: estimateTokens(result.text) }
            : result.usage;
        this.succeeded(candidate, record, routing, usage, ticket.probe, request);
        return this.response(candidate, result.text, result.finishReason, usage);
      } catch (error) {
        const verdict = this.failed(candidate, record, routing, error, deadline, ticket.probe, {
          more: index < plan.length - 1,
          tried,
          usage: NO_USAGE,
          request,
        });
        if (verdict !== 'failover') throw verdict === 'cancelled' ? deadline.signal.reason : error;
        lastError = error;
      } finally {
        deadline.dispose();
      }
    }
    throw new ProvidersExhaustedError(this.isPrivate(routing), tried, lastError);
  }

  async *stream(request: LlmRequest, routing: LlmRouting): AsyncIterable<LlmStreamEvent> {
    const plan = this.plan(routing, ['chat', ...(request.capabilities ?? [])], request.model);
    const tried: string[] = [];
    let lastError: unknown;
    let restartFrom: { provider: string; reason: string } | undefined;
    for (const [index, candidate] of plan.entries()) {
      const ticket = await this.admit(candidate, tried);
      if (!ticket) continue;
      if (restartFrom) {
        const { provider: from, reason } = restartFrom;
        yield { type: 'restart', from, to: candidate.model.key, reason };
        restartFrom = undefined;
      }
      const record = new AttemptRecord(candidate, 'stream', tried.length);
      const deadline = this.deadline(candidate, routing);
      let text = '';
      let chunks = 0;
      let ended = false;
      try {
        for await (const chunk of this.adapter(candidate).stream({
          model: candidate.model.id,
          messages: request.messages,
          maxTokens: request.maxTokens ?? this.deps.config.defaultMaxTokens,
          temperature: request.temperature,
          signal: deadline.signal,
        })) {
          deadline.touch();
          if (chunk.type === 'delta') {
            record.markFirstToken();
            text += chunk.text;
            chunks++;
            yield { type: 'delta', text: chunk.text };
            continue;
          }
          const usage = chunk.usage ?? this.counted(request, chunks);
          ended = true;
          this.succeeded(candidate, record, routing, usage, ticket.probe, request);
          yield {
            type: 'done',
            response: this.response(candidate, text, chunk.finishReason, usage),
          };
          return;
        }
        throw new ProviderError('connection', candidate.model.provider, 'stream ended early');
      } catch (error) {
        ended = true;
        const delivered = chunks > 0;
        const verdict = this.failed(candidate, record, routing, error, deadline, ticket.probe, {
          more: index < plan.length - 1,
          tried,
          usage: delivered || deadline.jobAborted ? this.counted(request, chunks) : NO_USAGE,
          request,
          interrupted: delivered,
        });
        if (verdict !== 'failover') throw verdict === 'cancelled' ? deadline.signal.reason : error;
        lastError = error;
        if (delivered) {
          if ((routing.streamFailover ?? 'fail') === 'fail') {
            throw new StreamInterruptedError(candidate.model.key, error);
          }
          restartFrom = { provider: candidate.model.key, reason: (error as Error).message };
        }
      } finally {
        deadline.dispose();
        // The consumer stopped reading (early stop): the request is aborted; log what it used.
        if (!ended) {
          const usage = this.counted(request, chunks);
          this.deps.invocations.record(record.toRow(routing, 'stopped', usage));
          void this.record(candidate.model.provider, 'release', ticket.probe);
        }
      }
    }
    if (restartFrom) throw new StreamInterruptedError(restartFrom.provider, lastError);
    throw new ProvidersExhaustedError(this.isPrivate(routing), tried, lastError);
  }

  async embed(request: EmbedRequest, routing: LlmRouting): Promise<EmbedResponse> {
    const plan = this.plan(routing, ['embeddings'], request.model);
    const tried: string[] = [];
    let lastError: unknown;
    for (const [index, candidate] of plan.entries()) {
      const adapter = this.adapter(candidate);
      if (!adapter.embed) continue;
      const ticket = await this.admit(candidate, tried);
      if (!ticket) continue;
      const record = new AttemptRecord(candidate, 'embed', tried.length);
      const deadline = this.deadline(candidate, routing);
      try {
        const result = await adapter.embed({
          model: candidate.model.id,
          input: request.input,
          signal: deadline.signal,
        });
        this.succeeded(candidate, record, routing, result.usage, ticket.probe);
        return {
          embeddings: result.embeddings,
          usage: this.usage(candidate, result.usage),
          model: candidate.model.id,
          provider: candidate.model.provider,
        };
      } catch (error) {
        const verdict = this.failed(candidate, record, routing, error, deadline, ticket.probe, {
          more: index < plan.length - 1,
          tried,
          usage: NO_USAGE,
        });
        if (verdict !== 'failover') throw verdict === 'cancelled' ? deadline.signal.reason : error;
        lastError = error;
      } finally {
        deadline.dispose();
      }
    }
    throw new ProvidersExhaustedError(this.isPrivate(routing), tried, lastError);
  }

  private plan(routing: LlmRouting, capabilities: Capability[], model?: string): Candidate[] {
    return planCandidates(
      this.deps.catalogue,
      {
        tier: routing.tier,
        maxTier:
          routing.maxTier !== undefined && routing.maxTier > routing.tier
            ? routing.maxTier
            : routing.tier,
        privacy: routing.privacy,
        capabilities: [...new Set(capabilities)],
        model,
      },
      this.latency,
      this.deps.unhealthy(),
    );
  }

  /** Asks the shared gate; a refused candidate is noted in `tried` and skipped. */
  private async admit(
    candidate: Candidate,
    tried: string[],
  ): Promise<{ probe: boolean } | undefined> {
    const ticket = this.inProcess(candidate.model.provider)
      ? { allowed: true, state: 'closed' as const, waitMs: 0 }
      : await this.deps.gate.acquire(candidate.model.provider);
    if (!ticket.allowed) {
      const why = ticket.state === 'cooldown' ? 'rate-limited' : `circuit ${ticket.state}`;
      tried.push(`${candidate.model.key} skipped (${why}, ${ticket.waitMs} ms left)`);
      return undefined;
    }
    tried.push(candidate.model.key);
    return { probe: ticket.state === 'probe' };
  }

  /** In-process providers (simulated) have no endpoint to protect: no breaker, no cooldown. */
  private inProcess(provider: string): boolean {
    return this.deps.catalogue.provider(provider).kind === 'simulated';
  }

  private async record(provider: string, outcome: 'ok' | 'fail' | 'release', probe: boolean) {
    return this.inProcess(provider) ? undefined : this.deps.gate.record(provider, outcome, probe);
  }

  private async coolDown(provider: string, ms: number): Promise<void> {
    if (!this.inProcess(provider)) await this.deps.gate.coolDown(provider, ms);
  }

  private deadline(candidate: Candidate, routing: LlmRouting): AttemptDeadline {
    const provider = this.deps.catalogue.provider(candidate.model.provider);
    return new AttemptDeadline(
      provider.name,
      provider.timeoutMs ?? this.deps.config.requestTimeoutMs,
      routing.signal,
    );
  }

  private succeeded(
    candidate: Candidate,
    record: AttemptRecord,
    routing: LlmRouting,
    usage: ProviderUsage,
    probe: boolean,
    request?: LlmRequest,
  ): void {
    this.latency.observe(candidate.model.key, record.elapsedMs());
    this.deps.invocations.record(
      record.toRow(routing, 'ok', usage, undefined, this.prompt(request)),
    );
    void this.record(candidate.model.provider, 'ok', probe);
  }

  /** Logs the failed attempt, tells the gate, and decides whether to fail over. */
  private failed(
    candidate: Candidate,
    record: AttemptRecord,
    routing: LlmRouting,
    error: unknown,
    deadline: AttemptDeadline,
    probe: boolean,
    ctx: {
      more: boolean;
      usage: ProviderUsage;
      tried: string[];
      request?: LlmRequest;
      interrupted?: boolean;
    },
  ): Verdict {
    const provider = candidate.model.provider;
    const prompt = this.prompt(ctx.request);
    if (deadline.jobAborted) {
      const reason = deadline.signal.reason as Error;
      const info = { code: 'cancelled', message: reason?.message ?? 'aborted' };
      this.deps.invocations.record(record.toRow(routing, 'cancelled', ctx.usage, info, prompt));
      void this.record(provider, 'release', probe);
      return 'cancelled';
    }
    const failure =
      error instanceof ProviderError
        ? error
        : new ProviderError('connection', provider, (error as Error)?.message ?? String(error), {
            cause: error,
          });
    const info = { code: failure.code, message: failure.message };
    const retryable = failure.retryable;
    const outcome = ctx.interrupted
      ? 'interrupted'
      : retryable && ctx.more
        ? 'failed_over'
        : 'failed';
    this.deps.invocations.record(record.toRow(routing, outcome, ctx.usage, info, prompt));
    if (failure.kind === 'rate_limit') {
      void this.coolDown(
        provider,
        failure.details.retryAfterMs ?? this.deps.config.rateLimitCooldownMs,
      );
      void this.record(provider, 'release', probe);
    } else {
      // A request error shows the provider is up: it counts as a success for the breaker.
      void this.record(provider, retryable ? 'fail' : 'ok', probe).then((state) => {
        if (state === 'open' && retryable) this.logger.warn(`circuit for ${provider} is open`);
      });
    }
    ctx.tried[ctx.tried.length - 1] += ` (${failure.code}: ${failure.message})`;
    if (!retryable) return 'fatal';
    this.logger.warn(`${candidate.model.key} failed (${failure.code}): ${failure.message}`);
    return 'failover';
  }

  /** Usage when the provider sent none: our own count (each streamed chunk is one token). */
  private counted(request: LlmRequest, chunks: number): ProviderUsage {
    return {
      inputTokens: estimateMessageTokens(request.messages),
      outputTokens: chunks,
      cachedInputTokens: 0,
    };
  }

  private response(
    candidate: Candidate,
    text: string,
    finishReason: 'stop' | 'length',
    usage: ProviderUsage,
  ): LlmResponse {
    return {
      text,
      finishReason,
      usage: this.usage(candidate, usage),
      model: candidate.model.id,
      provider: candidate.model.provider,
      tier: candidate.tier,
    };
  }

  private usage(candidate: Candidate, usage: ProviderUsage) {
    return { ...usage, costMicros: callCostMicros(candidate.model.prices, usage) };
  }

  private adapter(candidate: Candidate): ProviderAdapter {
    const adapter = this.deps.adapters.get(candidate.model.provider);
    if (!adapter) throw new Error(`no adapter for provider '${candidate.model.provider}'`);
    return adapter;
  }

  private prompt(request?: LlmRequest): unknown {
    return this.deps.config.logPrompts && request ? request.messages : undefined;
  }

  private isPrivate(routing: LlmRouting): boolean {
    return routing.privacy || routing.tier === 0;
  }
}
