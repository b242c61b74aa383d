import { hashedEmbedding } from '@switchboard/llm';
import type { LanceDbStore, RetrievalFilter } from '@switchboard/retrieval';
import type { TimedPath } from './interleaved-timing';
import type { BruteForceIndex, ChunkPredicate } from './retrieval-brute-force';
import { EMBED_DIMENSIONS, routedEmbed, type EmbedRig } from './retrieval-embedder';

export const K = 10;
/** What the store's hybrid search fetches per list before fusing (max(3k, 50)). */
export const HYBRID_CANDIDATES = Math.max(K * 3, 50);
export const FILTER_DOC_TYPE = 'incident';
export const FILTER: RetrievalFilter = { op: 'eq', field: 'doc_type', value: FILTER_DOC_TYPE };
const WHERE: ChunkPredicate = (chunk) => chunk.metadata.doc_type === FILTER_DOC_TYPE;

export type SearchPath =
  | 'embed'
  | 'keyword-store'
  | 'keyword-brute'
  | 'dense-store'
  | 'dense-brute'
  | 'hybrid-store'
  | 'hybrid-brute'
  | 'keyword-store-filter'
  | 'keyword-brute-filter'
  | 'dense-store-filter'
  | 'dense-brute-filter'
  | 'hybrid-store-filter'
  | 'hybrid-brute-filter'
  | 'embed-routed'
  | 'hybrid-store-routed';

export interface SearchRig {
  store: LanceDbStore;
  collection: string;
  brute: BruteForceIndex;
  queries: readonly string[];
  embed: EmbedRig;
  /** Every store hit of a filtered search must be of the filtered doc_type; counted here. */
  filterViolations: number;
  /** Calls that found nothing (a query whose words no chunk has): counted, not failed. */
  empty: Record<string, number>;
}

const embedQuery = (text: string) => hashedEmbedding(text, EMBED_DIMENSIONS);

/**
 * One query after another per path (each path its own cursor over the same queries). The
 * dense and hybrid paths embed the query inside the timed call, as a real search must; the
 * `embed` path times that embedding alone.
 */
export function searchPaths(rig: SearchRig): TimedPath<SearchPath>[] {
  const cursor = () => {
    let i = 0;
    return () => rig.queries[i++ % rig.queries.length];
  };
  const path = (
    name: SearchPath,
    run: (query: string) => Promise<number>,
  ): TimedPath<SearchPath> => {
    const next = cursor();
    return {
      name,
      call: async () => {
        if ((await run(next())) === 0) rig.empty[name] = (rig.empty[name] ?? 0) + 1;
      },
    };
  };
  const store = async (
    mode: 'keyword' | 'dense' | 'hybrid',
    query: string,
    filter: boolean,
    vector?: number[],
  ): Promise<number> => {
    const hits = await rig.store.search(rig.collection, {
      mode,
      k: K,
      text: mode === 'dense' ? undefined : query,
      vector: mode === 'keyword' ? undefined : (vector ?? embedQuery(query)),
      filter: filter ? FILTER : undefined,
    });
    if (filter)
      rig.filterViolations += hits.filter((h) => h.metadata.doc_type !== FILTER_DOC_TYPE).length;
    return hits.length;
  };
  const brute = {
    keyword: (q: string, w?: ChunkPredicate) => rig.brute.keyword(q, K, w).length,
    dense: (q: string, w?: ChunkPredicate) => rig.brute.dense(embedQuery(q), K, w).length,
    hybrid: (q: string, w?: ChunkPredicate) =>
      rig.brute.hybrid(embedQuery(q), q, K, HYBRID_CANDIDATES, w).length,
  };
  const paths: TimedPath<SearchPath>[] = [path('embed', async (q) => embedQuery(q).length)];
  for (const filter of [false, true]) {
    const suffix = filter ? '-filter' : '';
    const where = filter ? WHERE : undefined;
    for (const mode of ['keyword', 'dense', 'hybrid'] as const) {
      paths.push(path(`${mode}-store${suffix}` as SearchPath, (q) => store(mode, q, filter)));
      paths.push(path(`${mode}-brute${suffix}` as SearchPath, async (q) => brute[mode](q, where)));
    }
  }
  paths.push(path('embed-routed', async (q) => (await routedEmbed(rig.embed, [q]))[0].length));
  paths.push(
    path('hybrid-store-routed', async (q) =>
      store('hybrid', q, false, (await routedEmbed(rig.embed, [q]))[0]),
    ),
  );
  return paths;
}

/** Mean share of the brute-force top-k the store also returned (unfiltered), per mode. */
export async function overlapAtK(
  rig: SearchRig,
  queries: readonly string[],
): Promise<Record<'keyword' | 'dense' | 'hybrid', number>> {
  const sums = { keyword: 0, dense: 0, hybrid: 0 };
  for (const q of queries) {
    const vector = embedQuery(q);
    const expected = {
      keyword: rig.brute.keyword(q, K).map((r) => r.id),
      dense: rig.brute.dense(vector, K).map((r) => r.id),
      hybrid: rig.brute.hybrid(vector, q, K, HYBRID_CANDIDATES),
    };
    for (const mode of ['keyword', 'dense', 'hybrid'] as const) {
      const hits = await rig.store.search(rig.collection, {
        mode,
        k: K,
        text: mode === 'dense' ? undefined : q,
        vector: mode === 'keyword' ? undefined : vector,
      });
      const got = new Set(hits.map((h) => h.chunkId));
      const want = expected[mode];
      sums[mode] += want.length === 0 ? 1 : want.filter((id) => got.has(id)).length / want.length;
    }
  }
  const n = Math.max(1, queries.length);
  return { keyword: sums.keyword / n, dense: sums.dense / n, hybrid: sums.hybrid / n };
}
