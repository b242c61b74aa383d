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
  /** A private collection's calls: local models only. */
  privacy = false,
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
  const embedding = pickEmbedding(catalogue, wanted.embeddingModel, privacy);
  const rerank = pickRerank(catalogue, wanted.rerankModel, privacy);
  const jobId = randomUUID();
  const job = { jobId, tenantId: 'retrieval-eval', traceId: jobId };
  const clientAt = (tier: Tier): LlmClient => {
    const routing: LlmRouting = { tier, privacy, job };
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

function pickEmbedding(catalogue: ModelCatalogue, name: string | undefined, privacy: boolean) {
  if (name) {
    const choice = chooseEmbeddingModel(catalogue.models, name, privacy);
    if (!choice.ok) throw new EvalModelError(choice.message);
    return { model: choice.model, tier: choice.tier };
  }
  for (const tier of TIERS) {
    const model = catalogue.models.find(
      (m) => m.capabilities.includes('embeddings') && serves(m, tier, privacy),
    );
    if (model) return { model, tier };
  }
  throw new EvalModelError(
    `The catalogue (${catalogue.source}) has no embeddings model; add one or pass --embedding-model.`,
  );
}

/** As the router plans: tier 0 and private calls take local models only. */
function serves(model: CatalogueModel, tier: Tier, privacy: boolean): boolean {
  return model.tiers.includes(tier) && (model.local || (!privacy && tier > 0));
}

function lowestTier(model: CatalogueModel, privacy: boolean): Tier | undefined {
  return TIERS.find((tier) => serves(model, tier, privacy));
}

function pickRerank(
  catalogue: ModelCatalogue,
  name: string | undefined,
  privacy: boolean,
): RerankPlan {
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
    const tier = lowestTier(model, privacy);
    if (tier === undefined) throw new EvalModelError(`The model "${name}" serves no usable tier.`);
    return { method: 'model', model, tier };
  }
  for (const model of rerankers) {
    const tier = lowestTier(model, privacy);
    if (tier !== undefined) return { method: 'model', model, tier };
  }
  // No rerank model: a listwise ranking by the cheapest chat model.
  for (const tier of TIERS) {
    const model = catalogue.models.find(
      (m) => m.capabilities.includes('chat') && serves(m, tier, privacy),
    );
    if (model) return { method: 'llm', model, tier };
  }
  return { method: 'none', reason: 'the catalogue has neither a rerank model nor a chat model' };
}
