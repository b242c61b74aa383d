import type { CollectionRecord, DocumentRecord, DocumentStatus } from '@switchboard/retrieval';

export interface CollectionView {
  id: string;
  name: string;
  description: string | null;
  embeddingModel: string;
  dimensions: number;
  embeddingTier: number;
  privacy: boolean;
  chunking: CollectionRecord['chunking'];
  store: string;
  fields: CollectionRecord['fields'];
  documents?: Partial<Record<DocumentStatus, number>>;
  createdAt: string;
  updatedAt: string;
  links: { self: string; documents: string };
}

export function toCollectionView(
  c: CollectionRecord,
  documents?: Partial<Record<DocumentStatus, number>>,
): CollectionView {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    embeddingModel: c.embeddingModel,
    dimensions: c.dimensions,
    embeddingTier: c.embeddingTier,
    privacy: c.privacy,
    chunking: c.chunking,
    store: c.store,
    fields: c.fields,
    ...(documents ? { documents } : {}),
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    links: { self: `/v1/collections/${c.id}`, documents: `/v1/collections/${c.id}/documents` },
  };
}

export interface DocumentView {
  id: string;
  collectionId: string;
  source: string;
  title: string | null;
  docType: string;
  contentHash: string;
  metadata: Record<string, unknown>;
  status: DocumentStatus;
  error: string | null;
  chunkCount: number;
  jobId: string | null;
  /** Upload answers only: the same content was already in the collection. */
  duplicate?: boolean;
  createdAt: string;
  updatedAt: string;
  links: { self: string; cancel: string; retry: string };
}

export function toDocumentView(d: DocumentRecord, duplicate?: boolean): DocumentView {
  const self = `/v1/collections/${d.collectionId}/documents/${d.id}`;
  return {
    id: d.id,
    collectionId: d.collectionId,
    source: d.source,
    title: d.title,
    docType: d.docType,
    contentHash: d.contentHash,
    metadata: d.metadata,
    status: d.status,
    error: d.error,
    chunkCount: d.chunkCount,
    jobId: d.jobId,
    ...(duplicate !== undefined ? { duplicate } : {}),
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
    links: { self, cancel: `${self}/cancel`, retry: `${self}/retry` },
  };
}
