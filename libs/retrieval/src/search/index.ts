// Search over a collection: modes, fusion, rerank, multi-query rewriting, context trimming.
export type { SearchQuery, SearchResultHit, SearchResults } from './search.types';
export { SearchService, type TieredLlm } from './search.service';
export type { DocumentInfo, DocumentInfoLookup } from './document-info.lookup';
export { checkSearchQuery, MAX_RESULTS } from './search-query.check';
export { fuseQueryLists, type MultiQueryHit, type QueryHits } from './multi-query-fusion';
export { trimToContext, type ContextPiece, type TrimmedContext } from './context-trim';
export { parseListwiseRanking, listwiseRerank, listwisePrompt } from './listwise-rerank';
export { parseRewrites, rewriteQuery, MAX_REWRITES } from './query-rewrite';
// The injection tokens (retrieval.tokens.ts), for the API and the tool until the lib's index
// exports them itself.
export { COLLECTION_LOOKUP, DOCUMENT_INFO_LOOKUP, VECTOR_STORE } from '../retrieval.tokens';
