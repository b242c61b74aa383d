import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  ACTIVE_STATUSES,
  CollectionsRepository,
  DocumentsRepository,
  type CollectionRecord,
  type DocumentRecord,
  type DocumentStatus,
} from '../collections';
import {
  DOCUMENT_TYPES,
  createChunker,
  parseDocument,
  type Chunk,
  type DocumentType,
} from '../documents';
import type { StoredChunk, StoredChunkMetadata, VectorStore } from '../stores';
import { ChunkEmbedder } from './chunk-embedder';
import { IngestionCancelledError, IngestionFailedError } from './ingestion-errors';
import type { IngestJobData, IngestOutcome, IngestProgress } from './ingest-queue';
import { VECTOR_STORE } from '../retrieval.tokens';

export interface IngestRun {
  data: IngestJobData;
  /** The BullMQ job id (a uuid): the invocation log's job id for the embedding calls. */
  jobId: string;
  progress(p: IngestProgress): Promise<void>;
  signal?: AbortSignal;
}

/**
 * One document's ingestion: parse → chunk → embed (batches through the router) → index (one
 * `upsert` with all its chunks) → `ready`. The document's status follows each stage; a
 * cancel (or delete) is seen between batches and before indexing, and a cancel that lands
 * during the upsert removes the chunks again, so a cancelled document never stays visible.
 * Parse errors propagate (DocumentParseError): the processor marks the document failed.
 */
@Injectable()
export class DocumentIngestion {
  private readonly logger = new Logger('Ingestion');

  constructor(
    private readonly collections: CollectionsRepository,
    private readonly documents: DocumentsRepository,
    private readonly embedder: ChunkEmbedder,
    @Inject(VECTOR_STORE) private readonly store: VectorStore,
  ) {}

  async run(run: IngestRun): Promise<IngestOutcome> {
    const { documentId, collectionId, tenantId } = run.data;
    const collection = await this.collections.get(tenantId, collectionId);
    const document = collection ? await this.documents.get(collectionId, documentId) : null;
    if (!collection || !document || !ACTIVE_STATUSES.includes(document.status)) {
      return 'cancelled';
    }
    try {
      return await this.ingest(collection, document, run);
    } catch (error) {
      if (error instanceof IngestionCancelledError) return 'cancelled';
      throw error;
    }
  }

  private async ingest(
    collection: CollectionRecord,
    document: DocumentRecord,
    run: IngestRun,
  ): Promise<IngestOutcome> {
    await this.move(document.id, 'parsing', run.jobId);
    await run.progress({ stage: 'parsing', chunks: 0, embedded: 0 });
    const content = await this.documents.content(document.id);
    if (!content) throw new IngestionFailedError('The uploaded content is missing.');
    const given = (DOCUMENT_TYPES as readonly string[]).includes(document.docType)
      ? (document.docType as DocumentType)
      : undefined;
    const parsed = await parseDocument(content.content, {
      type: given,
      filename: content.filename ?? undefined,
      mimeType: content.mimeType ?? undefined,
    });

    await this.move(document.id, 'chunking');
    await run.progress({ stage: 'chunking', chunks: 0, embedded: 0 });
    const chunks = await createChunker(collection.chunking, parsed.type, {
      embed: (texts) => this.embedder.embed(texts, { collection, jobId: run.jobId }),
    }).chunk(parsed);

    await this.move(document.id, 'embedding');
    const vectors = await this.embedAll(collection, document.id, chunks, run);

    await this.move(document.id, 'indexing');
    await run.progress({ stage: 'indexing', chunks: chunks.length, embedded: chunks.length });
    const stored = chunks.map((c, i) => toStoredChunk(document, parsed.type, c, vectors[i]));
    if (stored.length > 0) await this.store.upsert(collection.storeCollectionId, stored);
    else await this.store.deleteDocument(collection.storeCollectionId, document.id);

    const ready = await this.documents.transition(document.id, ['indexing'], 'ready', {
      chunkCount: stored.length,
      error: null,
      title: parsed.title,
    });
    if (!ready) {
      // Cancelled or deleted during the upsert: take the chunks back out.
      await this.store.deleteDocument(collection.storeCollectionId, document.id);
      return 'cancelled';
    }
    this.logger.log(`document ${document.id} ready: ${stored.length} chunks`);
    return 'ready';
  }

  private async embedAll(
    collection: CollectionRecord,
    documentId: string,
    chunks: readonly Chunk[],
    run: IngestRun,
  ): Promise<number[][]> {
    const vectors: number[][] = [];
    const size = this.embedder.batchSize;
    for (let start = 0; start < chunks.length; start += size) {
      await this.assertActive(documentId);
      const texts = chunks.slice(start, start + size).map((c) => c.text);
      vectors.push(
        ...(await this.embedder.embed(texts, {
          collection,
          jobId: run.jobId,
          signal: run.signal,
        })),
      );
      await run.progress({ stage: 'embedding', chunks: chunks.length, embedded: vectors.length });
    }
    await this.assertActive(documentId);
    return vectors;
  }

  private async assertActive(documentId: string): Promise<void> {
    const status = await this.documents.status(documentId);
    if (status === null || !ACTIVE_STATUSES.includes(status)) {
      throw new IngestionCancelledError(documentId);
    }
  }

  private async move(documentId: string, status: DocumentStatus, jobId?: string): Promise<void> {
    if (!(await this.documents.transition(documentId, ACTIVE_STATUSES, status, { jobId }))) {
      throw new IngestionCancelledError(documentId);
    }
  }
}

function toStoredChunk(
  document: DocumentRecord,
  type: DocumentType,
  chunk: Chunk,
  vector: number[],
): StoredChunk {
  const m = document.metadata;
  const metadata: StoredChunkMetadata = {
    ...(m as Record<string, StoredChunkMetadata[string]>),
    doc_type: typeof m.doc_type === 'string' ? m.doc_type : type,
    source: typeof m.source === 'string' ? m.source : document.source,
    created_at: typeof m.created_at === 'string' ? m.created_at : document.createdAt.toISOString(),
    updated_at: typeof m.updated_at === 'string' ? m.updated_at : document.updatedAt.toISOString(),
    privacy_level: typeof m.privacy_level === 'string' ? m.privacy_level : 'internal',
    tags: Array.isArray(m.tags) ? (m.tags as string[]) : [],
  };
  return {
    id: `${document.id}#${chunk.index}`,
    documentId: document.id,
    text: chunk.text,
    vector,
    metadata,
  };
}
