import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@switchboard/auth';
import { Config } from '@switchboard/config';
import {
  ACTIVE_STATUSES,
  DocumentMetadataError,
  DocumentParseError,
  DocumentsRepository,
  IngestionQueue,
  StoreUnavailableError,
  VECTOR_STORE,
  contentHash,
  detectDocumentType,
  validateDocumentMetadata,
  type CollectionRecord,
  type DocumentStatus,
  type DocumentType,
  type VectorStore,
} from '@switchboard/retrieval';
import { ProblemException } from '../problems/problem';
import { CollectionsService } from './collections.service';
import { documentNotFound, invalidInput, storeUnavailable } from './retrieval-problems';
import { toDocumentView, type DocumentView } from './retrieval.views';

/** One document of an upload, whichever way it came (multipart or JSON). */
export interface UploadItem {
  source: string;
  content: Buffer;
  filename: string | null;
  mimeType: string | null;
  type?: DocumentType;
  metadata?: unknown;
}

/**
 * Documents of a collection: uploads (validated as a whole, then stored and queued one by
 * one; the same content again is a no-op), listing, delete, cancel and retry.
 */
@Injectable()
export class DocumentsService {
  constructor(
    private readonly config: Config,
    private readonly collections: CollectionsService,
    private readonly documents: DocumentsRepository,
    private readonly queue: IngestionQueue,
    @Inject(VECTOR_STORE) private readonly store: VectorStore,
  ) {}

  async upload(
    principal: Principal,
    collectionId: string,
    items: UploadItem[],
  ): Promise<DocumentView[]> {
    const collection = await this.collections.require(principal, collectionId);
    const total = items.reduce((n, i) => n + i.content.length, 0);
    if (total > this.config.retrieval.maxUploadBytes)
      throw tooLarge(this.config.retrieval.maxUploadBytes);
    if (items.length === 0) throw invalidInput([{ field: 'files', message: 'no document given' }]);
    // Validate everything before storing anything: a bad field refuses the whole upload.
    const metadata = items.map((item, index) => {
      try {
        return validateDocumentMetadata(item.metadata, collection.fields);
      } catch (error) {
        if (error instanceof DocumentMetadataError) {
          throw invalidInput([
            { field: `documents.${index}.metadata.${error.field}`, message: error.message },
          ]);
        }
        throw error;
      }
    });
    const views: DocumentView[] = [];
    for (const [index, item] of items.entries()) {
      views.push(await this.add(collection, item, metadata[index]));
    }
    return views;
  }

  private async add(
    collection: CollectionRecord,
    item: UploadItem,
    metadata: Record<string, unknown>,
  ): Promise<DocumentView> {
    const { document, created } = await this.documents.insert({
      collectionId: collection.id,
      tenantId: collection.tenantId,
      source: item.source,
      title: null,
      docType: item.type ?? detectType(item),
      contentHash: contentHash(item.content),
      metadata,
      content: item.content,
      filename: item.filename,
      mimeType: item.mimeType,
    });
    if (created) {
      await this.queue.enqueue(document);
    } else if (document.status === 'failed' || document.status === 'cancelled') {
      // The same content again after a failure or a cancel: try it again.
      return this.retryDocument(document.id, collection.id, true);
    }
    return toDocumentView(
      (await this.documents.get(collection.id, document.id)) ?? document,
      !created,
    );
  }

  async list(
    principal: Principal,
    collectionId: string,
    status?: DocumentStatus,
  ): Promise<DocumentView[]> {
    const collection = await this.collections.require(principal, collectionId);
    return (await this.documents.list(collection.id, { status })).map((d) => toDocumentView(d));
  }

  async get(principal: Principal, collectionId: string, documentId: string): Promise<DocumentView> {
    const collection = await this.collections.require(principal, collectionId);
    const document = await this.documents.get(collection.id, documentId);
    if (!document) throw documentNotFound(documentId);
    return toDocumentView(document);
  }

  /** Removes the record first (a running job then stops), then the chunks. */
  async delete(principal: Principal, collectionId: string, documentId: string): Promise<void> {
    const collection = await this.collections.require(principal, collectionId);
    const document = await this.documents.get(collection.id, documentId);
    if (!document) throw documentNotFound(documentId);
    await this.documents.delete(collection.id, document.id);
    await this.queue.discard(document.jobId);
    await this.dropChunks(collection, document.id);
  }

  async cancel(
    principal: Principal,
    collectionId: string,
    documentId: string,
  ): Promise<DocumentView> {
    const collection = await this.collections.require(principal, collectionId);
    const document = await this.documents.get(collection.id, documentId);
    if (!document) throw documentNotFound(documentId);
    const moved = await this.documents.transition(document.id, ACTIVE_STATUSES, 'cancelled', {
      error: null,
    });
    if (!moved) {
      throw new ProblemException(
        409,
        'document-not-active',
        `Document ${document.id} is ${(await this.documents.status(document.id)) ?? 'gone'}; only a document being ingested can be cancelled.`,
      );
    }
    await this.queue.discard(document.jobId);
    await this.dropChunks(collection, document.id);
    return toDocumentView((await this.documents.get(collection.id, document.id))!);
  }

  async retry(
    principal: Principal,
    collectionId: string,
    documentId: string,
  ): Promise<DocumentView> {
    const collection = await this.collections.require(principal, collectionId);
    const document = await this.documents.get(collection.id, documentId);
    if (!document) throw documentNotFound(documentId);
    return this.retryDocument(document.id, collection.id, false);
  }

  private async retryDocument(
    documentId: string,
    collectionId: string,
    duplicate: boolean,
  ): Promise<DocumentView> {
    const moved = await this.documents.transition(documentId, ['failed', 'cancelled'], 'queued', {
      error: null,
      chunkCount: 0,
    });
    const document = (await this.documents.get(collectionId, documentId))!;
    if (!moved) {
      if (duplicate) return toDocumentView(document, true);
      throw new ProblemException(
        409,
        'document-not-retryable',
        `Document ${documentId} is ${document.status}; only a failed or cancelled document can be retried.`,
      );
    }
    await this.queue.enqueue(document);
    return toDocumentView(
      (await this.documents.get(collectionId, documentId))!,
      duplicate || undefined,
    );
  }

  private async dropChunks(collection: CollectionRecord, documentId: string): Promise<void> {
    try {
      await this.store.deleteDocument(collection.storeCollectionId, documentId);
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw storeUnavailable(error.message);
      throw error;
    }
  }
}

/** The type for the record; undetectable content is left to the job, which fails it with the reason. */
function detectType(item: UploadItem): string {
  try {
    return detectDocumentType(item.content, {
      filename: item.filename ?? undefined,
      mimeType: item.mimeType ?? undefined,
    }).type;
  } catch (error) {
    if (error instanceof DocumentParseError) return 'unknown';
    throw error;
  }
}

export function tooLarge(max: number): ProblemException {
  return new ProblemException(
    413,
    'payload-too-large',
    `The upload is larger than RETRIEVAL_MAX_UPLOAD_BYTES (${max} bytes).`,
    { maxBytes: max },
  );
}
