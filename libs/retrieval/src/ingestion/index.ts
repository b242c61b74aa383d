// Ingestion: the `retrieval.ingest` queue, the per-document pipeline (parse, chunk, embed
// through the router with a Redis cache, index), metadata validation and the store provider.
export {
  RETRIEVAL_INGEST_QUEUE,
  ingestJobOptions,
  type IngestJobData,
  type IngestOutcome,
  type IngestProgress,
} from './ingest-queue';
export { ChunkEmbedder, type EmbedCall } from './chunk-embedder';
export { EmbeddingCache } from './embedding-cache';
export { chooseEmbeddingModel, type EmbeddingModelChoice } from './embedding-model';
export { DocumentIngestion, type IngestRun } from './document-ingestion.service';
export { IngestionCancelledError, IngestionFailedError } from './ingestion-errors';
export { IngestionQueue } from './ingestion-queue.service';
export { DocumentMetadataError, validateDocumentMetadata } from './document-metadata';
export { vectorStoreProvider } from './vector-store.provider';
