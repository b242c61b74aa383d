import type { Config } from '@switchboard/config';
import {
  compareRuns,
  loadLabelledSet,
  recommend,
  sweepDenseWeight,
  SearchService,
  type Comparison,
  type LabelledSet,
  type Recommendation,
  type VectorStore,
  type WeightSweep,
} from '@switchboard/retrieval';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { EvalOptions } from './retrieval-eval-args';
import { indexLabelledDocuments } from './retrieval-eval-index';
import { buildEvalLlm } from './retrieval-eval-llm';
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
    const ctx: RunContext = {
      search: new SearchService(deps.store),
      collection: indexed.collection,
      llm: llm.llm,
      queries: set.queries,
      k: options.k,
      chunksPerDocument: indexed.chunks / indexed.documents,
    };
    const outcomes = [];
    for (const { name, spec } of mainRunSpecs(llm.rerank)) {
      outcomes.push(await runSpec(ctx, name, spec));
    }
    const comparison = compareRuns(
      set.queries,
      outcomes.map((o) => o.run),
    );
    const sweep = await sweepDenseWeight(
      set.queries,
      async (w) => (await runSpec(ctx, `w=${w}`, hybridSpec(w))).run.ranked,
    );
    const all = compareRuns(set.queries, [...outcomes.map((o) => o.run), ...sweep.runs]);
    const recommendation = recommend(all);
    return {
      dir: options.dir,
      k: options.k,
      documents: indexed.documents,
      chunks: indexed.chunks,
      queries: set.queries.length,
      catalogue: llm.catalogue.source,
      embedding: {
        model: indexed.embeddedWith,
        tier: llm.embedding.tier,
        dimensions: indexed.collection.dimensions,
        simulated: llm.simulated,
      },
      rerank:
        llm.rerank.method === 'none'
          ? { method: 'none', note: `hybrid+rerank skipped: ${llm.rerank.reason}` }
          : { method: llm.rerank.method, model: llm.rerank.model.key, tier: llm.rerank.tier },
      comparison,
      sweep,
      recommendation,
      recommended: recommendedMode(recommendation.best, sweep),
      rerankFallbacks: outcomes.flatMap((o) => o.rerankFallbacks),
      llmCalls: {
        attempts: llm.sink.calls,
        failed: llm.sink.failed,
        costMicros: llm.sink.costMicros,
      },
    };
  } finally {
    await deps.store.drop(storeCollectionId);
  }
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
