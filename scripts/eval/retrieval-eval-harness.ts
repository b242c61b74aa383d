import type { Config } from '@switchboard/config';
import {
  compareRuns,
  loadLabelledSet,
  recommend,
  sweepDenseWeight,
  SearchService,
  type Comparison,
  type LabelledQuery,
  type LabelledSet,
  type Recommendation,
  type VectorStore,
  type WeightSweep,
} from '@switchboard/retrieval';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { EvalOptions } from './retrieval-eval-args';
import { indexLabelledDocuments } from './retrieval-eval-index';
import { buildEvalLlm, type EvalLlm, type RerankPlan } from './retrieval-eval-llm';
import {
  HYBRID_WEIGHT,
  hybridSpec,
  mainRunSpecs,
  runSpec,
  type RunContext,
} from './retrieval-eval-runs';

export interface EvalReport {
  dir: string;
  k: number;
  documents: number;
  chunks: number;
  queries: number;
  catalogue: string;
  embedding: { model: string; tier: number; dimensions: number; simulated: boolean };
  rerank: { method: 'model' | 'llm' | 'none'; model?: string; tier?: number; note?: string };
  comparison: Comparison;
  sweep: WeightSweep;
  /** Over the four modes and every swept weight. */
  recommendation: Recommendation;
  /** The recommended mode, and the dense weight when it is a hybrid one. */
  recommended: { mode: string; denseWeight?: number; rerank: boolean };
  rerankFallbacks: string[];
  llmCalls: { attempts: number; failed: number; costMicros: number };
}

export interface EvalDeps {
  config: Config;
  redis: Redis;
  store: VectorStore;
}

/**
 * The whole evaluation: load the labelled set, index it into a temporary collection of
 * `store`, run the four modes and the dense-weight sweep, compare and recommend. The
 * temporary collection is dropped at the end, whatever happens.
 */
export async function runRetrievalEval(options: EvalOptions, deps: EvalDeps): Promise<EvalReport> {
  const set: LabelledSet = loadLabelledSet(options.dir);
  if (set.documents.length === 0) {
    throw new Error(`${options.dir}: documents.jsonl is missing; the evaluation indexes it`);
  }
  const llm = buildEvalLlm(deps.config, deps.redis, options);
  const storeCollectionId = `eval_${randomUUID().replace(/-/g, '')}`;
  try {
    const indexed = await indexLabelledDocuments(
      deps.store,
      llm.llm.at(llm.embedding.tier),
      set.documents,
      {
        storeCollectionId,
        embeddingModel: llm.embedding.model.key,
        embeddingTier: llm.embedding.tier,
        dimensions: llm.embedding.model.dimensions,
        batch: deps.config.retrieval.embedBatch,
      },
    );
    const runs = await compareModes(
      set.queries,
      {
        search: new SearchService(deps.store),
        collection: indexed.collection,
        llm: llm.llm,
        queries: set.queries,
        k: options.k,
        chunksPerDocument: indexed.chunks / indexed.documents,
      },
      llm.rerank,
    );
    return {
      dir: options.dir,
      k: options.k,
      documents: indexed.documents,
      chunks: indexed.chunks,
      queries: set.queries.length,
      ...describeLlm(llm, indexed.embeddedWith, indexed.collection.dimensions),
      ...runs,
    };
  } finally {
    await deps.store.drop(storeCollectionId);
  }
}

type Runs = Pick<
  EvalReport,
  'comparison' | 'sweep' | 'recommendation' | 'recommended' | 'rerankFallbacks'
>;

/** The four modes, the dense-weight sweep, and the recommendation over all of them. */
export async function compareModes(
  queries: readonly LabelledQuery[],
  ctx: RunContext,
  rerank: RerankPlan,
): Promise<Runs> {
  const outcomes = [];
  for (const { name, spec } of mainRunSpecs(rerank)) outcomes.push(await runSpec(ctx, name, spec));
  const comparison = compareRuns(
    queries,
    outcomes.map((o) => o.run),
  );
  const sweep = await sweepDenseWeight(
    queries,
    async (w) => (await runSpec(ctx, `w=${w}`, hybridSpec(w))).run.ranked,
  );
  const recommendation = recommend(
    compareRuns(queries, [...outcomes.map((o) => o.run), ...sweep.runs]),
  );
  return {
    comparison,
    sweep,
    recommendation,
    recommended: recommendedMode(recommendation.best, sweep),
    rerankFallbacks: outcomes.flatMap((o) => o.rerankFallbacks),
  };
}

export function describeLlm(
  llm: EvalLlm,
  embeddedWith: string,
  dimensions: number,
): Pick<EvalReport, 'catalogue' | 'embedding' | 'rerank' | 'llmCalls'> {
  const rerank = llm.rerank;
  return {
    catalogue: llm.catalogue.source,
    embedding: {
      model: embeddedWith,
      tier: llm.embedding.tier,
      dimensions,
      simulated: llm.simulated,
    },
    rerank:
      rerank.method === 'none'
        ? { method: 'none', note: `hybrid+rerank skipped: ${rerank.reason}` }
        : { method: rerank.method, model: rerank.model.key, tier: rerank.tier },
    // Call after the runs: the sink counts every attempt so far.
    llmCalls: {
      attempts: llm.sink.calls,
      failed: llm.sink.failed,
      costMicros: llm.sink.costMicros,
    },
  };
}

function recommendedMode(best: string, sweep: WeightSweep): EvalReport['recommended'] {
  const swept = sweep.runs.find((r) => r.name === best);
  if (swept) {
    return { mode: 'hybrid', denseWeight: Number(best.replace(/^hybrid w=/, '')), rerank: false };
  }
  if (best === 'hybrid') return { mode: 'hybrid', denseWeight: HYBRID_WEIGHT, rerank: false };
  if (best === 'hybrid+rerank') {
    return { mode: 'hybrid', denseWeight: HYBRID_WEIGHT, rerank: true };
  }
  return { mode: best, rerank: false };
}
