import type { Schemas } from '@qdrant/js-client-rest';
import { documentSparseVector, querySparseVector } from './bm25-sparse';
import { toQdrantFilter } from './qdrant-filter';
import type { CheckedSearch } from './search-request';

export const DENSE_VECTOR = 'dense';
export const SPARSE_VECTOR = 'bm25';
export const SERVER_BM25_MODEL = 'qdrant/bm25';

/** `server`: Qdrant tokenizes and weighs (`qdrant/bm25` inference); `client`: bm25-sparse.ts. */
export type Bm25Mode = 'server' | 'client';

export interface QdrantFeatures {
  version: string;
  /** Server-side BM25 inference (`Document` with model `qdrant/bm25`): Qdrant 1.15.2+. */
  serverBm25: boolean;
  /** `{ rrf: { k } }` and collection metadata: Qdrant 1.16+. */
  parametrisedRrf: boolean;
  collectionMetadata: boolean;
}

export function featuresOf(version: string): QdrantFeatures {
  const [major, minor, patch] = version.split(/[.-]/).map((part) => Number.parseInt(part, 10) || 0);
  const atLeast = (a: number, b: number, c: number) =>
    major !== a ? major > a : minor !== b ? minor > b : patch >= c;
  return {
    version,
    serverBm25: atLeast(1, 15, 2),
    parametrisedRrf: atLeast(1, 16, 0),
    collectionMetadata: atLeast(1, 16, 0),
  };
}

export function documentKeywordVector(text: string, mode: Bm25Mode): Schemas['Vector'] {
  return mode === 'server' ? { text, model: SERVER_BM25_MODEL } : documentSparseVector(text);
}

function queryKeywordVector(text: string, mode: Bm25Mode): Schemas['VectorInput'] {
  return mode === 'server' ? { text, model: SERVER_BM25_MODEL } : querySparseVector(text);
}

export type QueryPlan =
  | { kind: 'dense' | 'keyword'; requests: [Schemas['QueryRequest']] }
  /** Two lists, fused client-side (weighted). */
  | { kind: 'lists'; requests: [Schemas['QueryRequest'], Schemas['QueryRequest']] }
  /** Fused natively (RRF/DBSF), plus the two lists for the per-list scores. */
  | {
      kind: 'native';
      requests: [Schemas['QueryRequest'], Schemas['QueryRequest'], Schemas['QueryRequest']];
    };

/** The Query API requests for one search; all go in one `queryBatch` call. */
export function planQuery(
  search: CheckedSearch,
  bm25: Bm25Mode,
  features: QdrantFeatures,
): QueryPlan {
  const filter = search.filter ? toQdrantFilter(search.filter) : undefined;
  const dense = (limit: number): Schemas['QueryRequest'] => ({
    query: search.vector,
    using: DENSE_VECTOR,
    filter,
    limit,
    with_payload: true,
  });
  const keyword = (limit: number): Schemas['QueryRequest'] => ({
    query: queryKeywordVector(search.text as string, bm25),
    using: SPARSE_VECTOR,
    filter,
    limit,
    with_payload: true,
  });
  switch (search.mode) {
    case 'dense':
      return { kind: 'dense', requests: [dense(search.k)] };
    case 'keyword':
      return { kind: 'keyword', requests: [keyword(search.k)] };
    case 'hybrid':
      break;
  }
  const { candidates, fusion } = search;
  if (fusion.method === 'weighted')
    return { kind: 'lists', requests: [dense(candidates), keyword(candidates)] };
  const query: Schemas['Query'] =
    fusion.method === 'dbsf'
      ? { fusion: 'dbsf' }
      : features.parametrisedRrf
        ? { rrf: { k: fusion.k ?? 60 } }
        : { fusion: 'rrf' };
  const strip = ({ query: q, using, filter: f, limit }: Schemas['QueryRequest']) => ({
    query: q,
    using,
    filter: f,
    limit,
  });
  const fused: Schemas['QueryRequest'] = {
    prefetch: [strip(dense(candidates)), strip(keyword(candidates))] as Schemas['Prefetch'][],
    query,
    filter,
    limit: search.k,
    with_payload: true,
  };
  return { kind: 'native', requests: [fused, dense(candidates), keyword(candidates)] };
}
