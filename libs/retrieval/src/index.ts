// Retrieval: document collections, ingestion (parse, chunk, embed, index), the vector stores
// (LanceDB embedded by default, Qdrant in production) and search.
export * from './stores';
export * from './documents';
