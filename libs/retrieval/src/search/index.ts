// Search over a collection: modes, fusion, rerank, multi-query rewriting, context trimming.
export type { SearchQuery, SearchResultHit, SearchResults } from './search.types';
