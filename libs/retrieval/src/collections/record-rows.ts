import type { Tier } from '@switchboard/catalogue';
import type { ChunkingStrategySpec } from '../documents';
import type { FieldType, StoreKind } from '../stores';
import type { CollectionRecord, DocumentRecord, DocumentStatus } from './collection.types';

/** Rows as `pg` returns them (snake_case). */
export type Row = Record<string, unknown>;

export const COLLECTION_COLUMNS = `id, tenant_id, name, description, embedding_model, dimensions,
  embedding_tier, privacy, chunking, store, store_collection_id, fields, created_at, updated_at`;

export const DOCUMENT_COLUMNS = `id, collection_id, tenant_id, source, title, doc_type,
  content_hash, metadata, status, error, chunk_count, job_id, created_at, updated_at`;

export function toCollection(r: Row): CollectionRecord {
  return {
    id: r.id as string,
    tenantId: r.tenant_id as string,
    name: r.name as string,
    description: (r.description as string | null) ?? null,
    embeddingModel: r.embedding_model as string,
    dimensions: Number(r.dimensions),
    embeddingTier: Number(r.embedding_tier) as Tier,
    privacy: Boolean(r.privacy),
    chunking: r.chunking as ChunkingStrategySpec,
    store: r.store as StoreKind,
    storeCollectionId: r.store_collection_id as string,
    fields: (r.fields as Record<string, FieldType>) ?? {},
    createdAt: new Date(r.created_at as string),
    updatedAt: new Date(r.updated_at as string),
  };
}

export function toDocument(r: Row): DocumentRecord {
  return {
    id: r.id as string,
    collectionId: r.collection_id as string,
    tenantId: r.tenant_id as string,
    source: r.source as string,
    title: (r.title as string | null) ?? null,
    docType: r.doc_type as string,
    contentHash: (r.content_hash as string).trim(),
    metadata: (r.metadata as Record<string, unknown>) ?? {},
    status: r.status as DocumentStatus,
    error: (r.error as string | null) ?? null,
    chunkCount: Number(r.chunk_count),
    jobId: (r.job_id as string | null) ?? null,
    createdAt: new Date(r.created_at as string),
    updatedAt: new Date(r.updated_at as string),
  };
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
