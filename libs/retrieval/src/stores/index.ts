// The vector stores behind one interface (`VectorStore`): LanceDB embedded on disk (the
// default) and Qdrant (production); the typed filter language, hybrid fusion and the errors
// the API maps to HTTP (RetrievalFilterError 400, StoreUnavailableError 503).
export type {
  StoredChunkMetadata,
  CollectionSpec,
  FusionSpec,
  MetadataValue,
  SearchHit,
  SearchMode,
  SearchRequest,
  SearchScores,
  StoreHealth,
  StoreKind,
  StoredChunk,
  UpsertResult,
  VectorStore,
} from './vector-store';
export {
  BUILT_IN_FIELDS,
  COLLECTION_ID_PATTERN,
  MAX_DIMENSION,
  type FieldType,
} from './collection-schema';
export type { RangeBound, RetrievalFilter } from './retrieval-filter';
export {
  DEFAULT_FUSION,
  DEFAULT_RRF_K,
  fuseRankedLists,
  type FusedItem,
  type RankedItem,
} from './hybrid-fusion';
export { MAX_SEARCH_K } from './search-request';
export { MAX_UPSERT_CHUNKS } from './chunk-validation';
export {
  CollectionConflictError,
  CollectionNotFoundError,
  InvalidStoreRequestError,
  RetrievalFilterError,
  RetrievalStoreError,
  StoreUnavailableError,
} from './store-errors';
export { LanceDbStore, type LanceDbStoreOptions } from './lancedb.store';
export { QdrantStore, type QdrantStoreOptions } from './qdrant.store';
