import {
  type CollectionRecord,
  type LabelledQuery,
  type NamedRun,
  type SearchQuery,
  type SearchService,
  type TieredLlm,
} from '@switchboard/retrieval';
import type { RerankPlan } from './retrieval-eval-llm';

/** One retrieval configuration, as asked of SearchService. */
export type RunSpec = Pick<SearchQuery, 'mode' | 'fusion' | 'rerank'>;

export const HYBRID_WEIGHT = 0.7;

export interface RunOutcome {
  run: NamedRun;
  /** Queries whose rerank was not applied (the fused order kept), with the reason. */
  rerankFallbacks: string[];
}

export interface RunContext {
  search: SearchService;
  collection: CollectionRecord;
  llm: TieredLlm;
  queries: readonly LabelledQuery[];
  /** Documents ranked per query. */
  k: number;
  /** Chunks per document in the collection (1: a chunk hit is a document hit). */
  chunksPerDocument: number;
  /** Searches in flight at once. */
  concurrency?: number;
}

export function hybridSpec(denseWeight: number): RunSpec {
  return { mode: 'hybrid', fusion: { method: 'weighted', denseWeight } };
}

/** dense, keyword, hybrid (0.7) and hybrid+rerank (when the catalogue can rerank). */
export function mainRunSpecs(rerank: RerankPlan): { name: string; spec: RunSpec }[] {
  const specs: { name: string; spec: RunSpec }[] = [
    { name: 'dense', spec: { mode: 'dense' } },
    { name: 'keyword', spec: { mode: 'keyword' } },
    { name: 'hybrid', spec: hybridSpec(HYBRID_WEIGHT) },
  ];
  if (rerank.method !== 'none') {
    specs.push({
      name: 'hybrid+rerank',
      spec: { ...hybridSpec(HYBRID_WEIGHT), rerank: { method: rerank.method, tier: rerank.tier } },
    });
  }
  return specs;
}

/**
 * Runs one configuration over every query and ranks documents by their best chunk. With more
 * than one chunk per document it over-fetches chunks (twice k) so k documents survive.
 */
export async function runSpec(ctx: RunContext, name: string, spec: RunSpec): Promise<RunOutcome> {
  const chunkK = ctx.chunksPerDocument > 1 ? ctx.k * 2 : ctx.k;
  const ranked = new Map<string, string[]>();
  const rerankFallbacks: string[] = [];
  const queries = [...ctx.queries];
  const worker = async () => {
    for (let query = queries.shift(); query; query = queries.shift()) {
      const results = await ctx.search.search(
        ctx.collection,
        { text: query.text, k: chunkK, ...spec },
        ctx.llm,
      );
      if (results.rerank && !results.rerank.applied) {
        rerankFallbacks.push(`${query.id}: ${results.rerank.fallback ?? 'not applied'}`);
      }
      ranked.set(query.id, documentOrder(results.hits.map((h) => h.documentId)).slice(0, ctx.k));
    }
  };
  await Promise.all(Array.from({ length: ctx.concurrency ?? 4 }, worker));
  return { run: { name, ranked }, rerankFallbacks };
}

/** Document ids in order of their first (best) chunk. */
export function documentOrder(chunkDocumentIds: readonly string[]): string[] {
  return [...new Set(chunkDocumentIds)];
}
