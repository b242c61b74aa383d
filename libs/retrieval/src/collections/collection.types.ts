import type { Tier } from '@switchboard/catalogue';
import type { ChunkingStrategySpec } from '../documents';
import type { FieldType, StoreKind } from '../stores';

/**
 * A tenant's document collection, as PostgreSQL keeps it. Its chunks live in the store
 * (`store`) under `storeCollectionId`; documents are searchable only once `ready`.
 */
export interface CollectionRecord {
  id: string;
  tenantId: string;
  name: string;
  description: string | null;
  /** The catalogue model chunks and queries are embedded with (`provider/id` key). */
  embeddingModel: string;
  /** Its vector size (the catalogue's `dimensions`, or measured at creation). */
  dimensions: number;
  /** The tier embedding calls run at (the model's lowest that the collection may use). */
  embeddingTier: Tier;
  /** Private collections embed (and rerank) with local models only. */
  privacy: boolean;
  chunking: ChunkingStrategySpec;
  store: StoreKind;
  /** The collection's name inside the store (tenant-scoped, see COLLECTION_ID_PATTERN). */
  storeCollectionId: string;
  /** Filterable metadata fields beyond the built-in ones, and their types. */
  fields: Record<string, FieldType>;
  createdAt: Date;
  updatedAt: Date;
}

export const DOCUMENT_STATUSES = [
  'queued',
  'parsing',
  'chunking',
  'embedding',
  'indexing',
  'ready',
  'failed',
  'cancelled',
] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

export interface DocumentRecord {
  id: string;
  collectionId: string;
  tenantId: string;
  /** Where it came from: a file name, a URL, or the caller's own id. */
  source: string;
  title: string | null;
  /** Detected or given (`pdf`, `html`, `markdown`, `json`, `code`, `text`). */
  docType: string;
  /** sha256 of the normalised content: re-uploading the same content is a no-op. */
  contentHash: string;
  metadata: Record<string, unknown>;
  status: DocumentStatus;
  /** Why it failed, for `failed`. */
  error: string | null;
  chunkCount: number;
  /** The ingestion job. */
  jobId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** How search and the tools find a tenant's collection (null: none, or another tenant's). */
export interface CollectionLookup {
  get(tenantId: string, collectionId: string): Promise<CollectionRecord | null>;
  /** The ids of the collection's documents that are `ready` (for a strict visibility cut). */
  readyDocumentIds?(collectionId: string): Promise<string[]>;
}
