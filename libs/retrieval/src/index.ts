// Retrieval: document collections, ingestion (parse, chunk, embed, index), the vector stores
// (LanceDB embedded by default, Qdrant in production), search and its evaluation.
export * from './stores';
export * from './documents';
export * from './collections';
export * from './search';
export * from './ingestion';
export * from './tools';
export { RetrievalModule } from './retrieval.module';
export * from './evaluation';
