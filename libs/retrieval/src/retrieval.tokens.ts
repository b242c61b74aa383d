/**
 * Injection tokens of the retrieval lib, shared by the modules that provide them (the
 * collections/ingestion module) and the ones that use them (search, the search tool, the API).
 */
/** A `CollectionLookup`: the tenant's collection record, or null. */
export const COLLECTION_LOOKUP = 'switchboard:retrieval:collection-lookup';
/** The process's `VectorStore` (LanceDB or Qdrant, by configuration). */
export const VECTOR_STORE = 'switchboard:retrieval:vector-store';
/** A `DocumentInfoLookup`: source, title and type of documents, for search hits (optional). */
export const DOCUMENT_INFO_LOOKUP = 'switchboard:retrieval:document-info-lookup';
