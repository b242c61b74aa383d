import type { FieldType } from './collection-schema';
import type { RetrievalFilter } from './retrieval-filter';

/**
 * The one interface the retrieval lib searches through. Two implementations: LanceDB
 * (embedded, on disk, the default) and Qdrant (production).
 *
 * Visibility (nothing half-indexed is searchable): `upsert` takes *all* chunks of each
 * document it names and makes them that document's complete chunk set. Chunks of those
 * documents that are not in the call are removed, so a re-ingested document never mixes
 * old and new chunks. Ingestion embeds every chunk first and then calls `upsert` once per
 * document (or once for several documents).
 * - LanceDB applies one call as a single `merge_insert` commit: readers see the old set or
 *   the new set, never a part.
 * - Qdrant writes the points with `wait: true`, then removes the stale ones. A reader can
 *   briefly see old and new chunks of a re-ingested document, never a partial new one
 *   beside nothing: callers that need a strict cut-over filter on `document_id` with the
 *   ids they marked ready.
 */
export interface VectorStore {
  /** `lancedb` or `qdrant`: for logs, metrics and health output. */
  readonly kind: StoreKind;
  /** Creates the collection; a no-op when it exists with the same spec, an error otherwise. */
  createCollection(spec: CollectionSpec): Promise<void>;
  hasCollection(collectionId: string): Promise<boolean>;
  /** The spec the collection was created with (filterable fields and their types). */
  describeCollection(collectionId: string): Promise<CollectionSpec>;
  upsert(collectionId: string, chunks: readonly StoredChunk[]): Promise<UpsertResult>;
  deleteDocument(collectionId: string, documentId: string): Promise<number>;
  search(collectionId: string, request: SearchRequest): Promise<SearchHit[]>;
  /** Chunks in the collection, optionally matching a filter. */
  count(collectionId: string, filter?: RetrievalFilter): Promise<number>;
  /** Removes the collection and its data; a no-op when it does not exist. */
  drop(collectionId: string): Promise<void>;
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}

export type StoreKind = 'lancedb' | 'qdrant';

export interface CollectionSpec {
  /** Tenant-scoped collection id, e.g. `t_<tenant>__<collection>`; see `COLLECTION_ID_PATTERN`. */
  id: string;
  /** Dimension of the dense vectors (the embedding model's). */
  dimension: number;
  /**
   * Filterable metadata fields beyond the built-in ones (`doc_type`, `source`,
   * `created_at`, `updated_at`, `privacy_level`, `tags`, `document_id`).
   */
  fields?: Record<string, FieldType>;
}

export type MetadataValue = string | number | boolean | null | string[];

export interface StoredChunkMetadata {
  doc_type: string;
  source: string;
  /** ISO-8601 timestamps. */
  created_at: string;
  updated_at: string;
  privacy_level: string;
  tags: string[];
  /** Free-form keys; only the ones declared in the spec's `fields` are filterable. */
  [key: string]: MetadataValue;
}

export interface StoredChunk {
  /** Stable per chunk, e.g. `<documentId>#<ordinal>`; re-upserting the same id replaces it. */
  id: string;
  documentId: string;
  text: string;
  vector: number[];
  metadata: StoredChunkMetadata;
}

export interface UpsertResult {
  documents: number;
  chunks: number;
  /** Chunks of the named documents that were not in the call and were removed. */
  removedStale: number;
}

export type SearchMode = 'dense' | 'keyword' | 'hybrid';

/**
 * - `weighted`: min-max normalise each list, then `denseWeight * dense + (1 - denseWeight) * keyword`
 *   (default, 0.7).
 * - `rrf`: reciprocal rank fusion, `sum 1 / (k + rank)` (k default 60).
 * - `dbsf`: distribution-based score fusion (mean ± 3 standard deviations), Qdrant's native one.
 */
export type FusionSpec =
  { method: 'weighted'; denseWeight?: number } | { method: 'rrf'; k?: number } | { method: 'dbsf' };

export interface SearchRequest {
  mode: SearchMode;
  /** Required for `dense` and `hybrid`. */
  vector?: number[];
  /** Required for `keyword` and `hybrid`. */
  text?: string;
  /** 1..MAX_SEARCH_K. */
  k: number;
  filter?: RetrievalFilter;
  /** Hybrid only; default `{ method: 'weighted', denseWeight: 0.7 }`. */
  fusion?: FusionSpec;
}

export interface SearchScores {
  /** Cosine similarity (higher is closer) when the hit came from the dense list. */
  dense?: number;
  /** BM25 score when the hit came from the keyword list. */
  keyword?: number;
  /** The ranking score: the list's own score in single mode, the fused one in hybrid. */
  fused: number;
}

export interface SearchHit {
  chunkId: string;
  documentId: string;
  text: string;
  metadata: StoredChunkMetadata;
  scores: SearchScores;
}

export interface StoreHealth {
  ok: boolean;
  kind: StoreKind;
  /** The server version (Qdrant) or the library version (LanceDB). */
  version?: string;
  detail?: string;
}
