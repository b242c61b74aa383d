import { TIERS, type Tier } from '@switchboard/catalogue';
import type { Config } from '@switchboard/config';
import {
  LlmRouter,
  ProviderGate,
  createAdapter,
  loadCatalogue,
  type CatalogueModel,
  type InvocationSink,
  type LlmClient,
  type LlmRouting,
  type ModelCatalogue,
} from '@switchboard/llm';
import { chooseEmbeddingModel, type TieredLlm } from '@switchboard/retrieval';
import type { InvocationRow } from '@switchboard/persistence';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';

/** Counts the router's attempts and their cost; the evaluation keeps no invocation log. */
export class TallySink implements InvocationSink {
  calls = 0;
  failed = 0;
  costMicros = 0;
  record(row: InvocationRow): void {
    this.calls += 1;
    if (row.outcome !== 'ok') this.failed += 1;
    this.costMicros += Number(row.costMicros ?? 0);
  }
}

/** How the evaluation reranks: a catalogue rerank model, or a listwise LLM ranking. */
export type RerankPlan =
  | { method: 'model'; model: CatalogueModel; tier: Tier }
  | { method: 'llm'; tier: Tier; model: CatalogueModel }
  | { method: 'none'; reason: string };

export interface EvalLlm {
  catalogue: ModelCatalogue;
  embedding: { model: CatalogueModel; tier: Tier };
  rerank: RerankPlan;
  /** The search's LLM calls, each at the tier asked, with the chosen models pinned. */
  llm: TieredLlm;
  sink: TallySink;
  /** True when the embeddings come from the simulated provider (hashed words, no semantics). */
  simulated: boolean;
}

export class EvalModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvalModelError';
  }
}

/**
 * The router as LlmService builds it (catalogue from LLM_CATALOGUE_FILE or the built-in
 * simulated one, the provider gate in Redis), with the models the evaluation uses.
 */
export function buildEvalLlm(
  config: Config,
  redis: Redis,
  wanted: { embeddingModel?: string; rerankModel?: string } = {},
): EvalLlm {
  const catalogue = loadCatalogue(config.llm, process.env);
  const adapters = new Map(
    [...catalogue.providers.values()].map((p) => [p.name, createAdapter(p, config.llm)]),
  );
  const gate = new ProviderGate(
    redis,
    config.redis.prefix,
    config.llm.breaker,
    config.llm.requestTimeoutMs,
    config.llm.gateCacheMs,
  );
  const sink = new TallySink();
  const none = new Set<string>();
  const router = new LlmRouter({
    catalogue,
    adapters,
    gate,
    invocations: sink,
    config: config.llm,
    unhealthy: () => none,
  });
  const embedding = pickEmbedding(catalogue, wanted.embeddingModel);
  const rerank = pickRerank(catalogue, wanted.rerankModel);
  const jobId = randomUUID();
  const job = { jobId, tenantId: 'retrieval-eval', traceId: jobId };
  const clientAt = (tier: Tier): LlmClient => {
    const routing: LlmRouting = { tier, privacy: false, job };
    return {
      chat: (request) => router.chat(request, routing),
      stream: (request) => router.stream(request, routing),
      embed: (request) => router.embed(request, routing),
      rerank: (request) =>
        router.rerank(
          {
            ...request,
            model: request.model ?? (rerank.method === 'model' ? rerank.model.key : undefined),
          },
          routing,
        ),
    };
  };
  return {
    catalogue,
    embedding,
    rerank,
    llm: { at: clientAt },
    sink,
    simulated: catalogue.providers.get(embedding.model.provider)?.kind === 'simulated',
  };
}

function pickEmbedding(catalogue: ModelCatalogue, name?: string) {
  if (name) {
    const choice = chooseEmbeddingModel(catalogue.models, name, false);
    if (!choice.ok) throw new EvalModelError(choice.message);
    return { model: choice.model, tier: choice.tier };
  }
  for (const tier of TIERS) {
    const model = catalogue.models.find(
      (m) =>
        m.capabilities.includes('embeddings') && m.tiers.includes(tier) && (m.local || tier > 0),
    );
    if (model) return { model, tier };
  }
  throw new EvalModelError(
    `The catalogue (${catalogue.source}) has no embeddings model; add one or pass --embedding-model.`,
  );
}

/** The lowest tier a model serves for a non-private call (tier 0 takes local models only). */
function lowestTier(model: CatalogueModel): Tier | undefined {
  return TIERS.find((tier) => model.tiers.includes(tier) && (model.local || tier > 0));
}

function pickRerank(catalogue: ModelCatalogue, name?: string): RerankPlan {
  const rerankers = catalogue.models.filter((m) => m.capabilities.includes('rerank'));
  if (name) {
    const model = rerankers.find((m) => m.key === name || m.id === name);
    if (!model) {
      const exists = catalogue.models.some((m) => m.key === name || m.id === name);
      throw new EvalModelError(
        exists
          ? `The model "${name}" is not a rerank model.`
          : `No catalogue model is named "${name}".`,
      );
    }
    const tier = lowestTier(model);
    if (tier === undefined) throw new EvalModelError(`The model "${name}" serves no usable tier.`);
    return { method: 'model', model, tier };
  }
  for (const model of rerankers) {
    const tier = lowestTier(model);
    if (tier !== undefined) return { method: 'model', model, tier };
  }
  // No rerank model: a listwise ranking by the cheapest chat model.
  for (const tier of TIERS) {
    const model = catalogue.models.find(
      (m) => m.capabilities.includes('chat') && m.tiers.includes(tier) && (m.local || tier > 0),
    );
    if (model) return { method: 'llm', model, tier };
  }
  return { method: 'none', reason: 'the catalogue has neither a rerank model nor a chat model' };
}
