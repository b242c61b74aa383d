import { BullModule } from '@nestjs/bullmq';
import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { LlmModule } from '@switchboard/llm';
import { CollectionsRepository, DocumentInfoRepository, DocumentsRepository } from './collections';
import {
  ChunkEmbedder,
  DocumentIngestion,
  EmbeddingCache,
  IngestionQueue,
  RETRIEVAL_INGEST_QUEUE,
  vectorStoreProvider,
} from './ingestion';
import { COLLECTION_LOOKUP, DOCUMENT_INFO_LOOKUP, VECTOR_STORE } from './retrieval.tokens';
import type { VectorStore } from './stores';

/**
 * Collections, documents, the vector store (VECTOR_STORE) and ingestion. Needs the host's
 * ConfigModule, PersistenceModule, RedisModule, QueueModule (BullMQ root) and LlmModule.
 * Search and the worker's processor build on what it exports.
 */
@Module({
  imports: [LlmModule, BullModule.registerQueue({ name: RETRIEVAL_INGEST_QUEUE })],
  providers: [
    vectorStoreProvider,
    CollectionsRepository,
    DocumentsRepository,
    EmbeddingCache,
    ChunkEmbedder,
    DocumentIngestion,
    IngestionQueue,
    { provide: COLLECTION_LOOKUP, useExisting: CollectionsRepository },
    DocumentInfoRepository,
    { provide: DOCUMENT_INFO_LOOKUP, useExisting: DocumentInfoRepository },
  ],
  exports: [
    VECTOR_STORE,
    COLLECTION_LOOKUP,
    DOCUMENT_INFO_LOOKUP,
    CollectionsRepository,
    DocumentsRepository,
    ChunkEmbedder,
    DocumentIngestion,
    IngestionQueue,
  ],
})
export class RetrievalModule implements OnApplicationShutdown {
  constructor(@Inject(VECTOR_STORE) private readonly store: VectorStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
