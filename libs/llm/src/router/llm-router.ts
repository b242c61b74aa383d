import { Logger } from '@nestjs/common';
import type { LlmConfig } from '@switchboard/config';
import type { ModelCatalogue } from '../catalogue/model-catalogue';
import type { Capability } from '../catalogue/model-catalogue.schema';
import type {
  EmbedRequest,
  EmbedResponse,
  LlmRequest,
  LlmResponse,
  LlmRouting,
  LlmStreamEvent,
  RerankRequest,
  RerankResponse,
} from '../llm.types';
import type { ProviderAdapter } from '../providers/provider.types';
import type { AttemptServices } from './attempt';
import type { CallBudget } from './call-budget';
import { chatInput, type CallInput } from './call-parts';
import { answerOf, runCandidates } from './candidate-loop';
import { planCandidates, type Candidate } from './candidates';
import { chatCall } from './chat-call';
import { embedCall } from './embed-call';
import { rerankCall } from './rerank-call';
import type { InvocationSink } from './invocation-recorder';
import { LatencyTracker } from './latency-tracker';
import type { ProviderGate } from './provider-gate';
import { requiredCapabilities } from './required-capabilities';
import { StreamCall } from './stream-call';

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

/**
 * Routes each call across the catalogue's candidates: skips providers whose circuit is open
 * or that are cooling down after a 429, reserves each attempt's worst case against the
 * tenant's budgets, fails over on retryable errors only, escalates tiers only up to the job's
 * ceiling, and logs every attempt. Chat, stream and embed share one candidate loop
 * (`runCandidates`); each brings only how it runs one attempt.
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
    const input = chatInput(request);
    const plan = this.chatPlan(request, routing, input);
    const call = chatCall(this.deps.adapters, request, routing, input, this.maxTokens(request));
    return answerOf(runCandidates(this.services, plan, call));
  }

  async *stream(request: LlmRequest, routing: LlmRouting): AsyncIterable<LlmStreamEvent> {
    const input = chatInput(request);
    const plan = this.chatPlan(request, routing, input);
    const maxTokens = this.maxTokens(request);
    const call = new StreamCall(this.deps.adapters, request, routing, input, maxTokens);
    yield* runCandidates(this.services, plan, call);
  }

  async embed(request: EmbedRequest, routing: LlmRouting): Promise<EmbedResponse> {
    const plan = this.plan(routing, ['embeddings'], request.model);
    return answerOf(
      runCandidates(this.services, plan, embedCall(this.deps.adapters, request, routing)),
    );
  }

  async rerank(request: RerankRequest, routing: LlmRouting): Promise<RerankResponse> {
    const plan = this.plan(routing, ['rerank'], request.model);
    return answerOf(
      runCandidates(this.services, plan, rerankCall(this.deps.adapters, request, routing)),
    );
  }

  private maxTokens(request: LlmRequest): number {
    return request.maxTokens ?? this.deps.config.defaultMaxTokens;
  }

  /** Chat and stream candidates: the capabilities the request needs, and room for its tokens. */
  private chatPlan(request: LlmRequest, routing: LlmRouting, input: CallInput): Candidate[] {
    const context = input.counted + (request.maxTokens ?? 0);
    return this.plan(routing, requiredCapabilities(request), request.model, context);
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
}
