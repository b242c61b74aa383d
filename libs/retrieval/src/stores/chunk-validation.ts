import { REQUIRED_METADATA, type FieldSchema, type FieldType } from './collection-schema';
import { checkVector } from './search-request';
import { InvalidStoreRequestError } from './store-errors';
import type { StoredChunkMetadata, MetadataValue, StoredChunk } from './vector-store';

export const MAX_UPSERT_CHUNKS = 10_000;

/**
 * Checks chunks before any write, so a bad chunk rejects the whole call and nothing of it
 * is written; returns the chunks grouped by document (one group is one document's full set).
 */
export function checkChunks(
  chunks: readonly StoredChunk[],
  fields: FieldSchema,
  dimension: number,
): Map<string, StoredChunk[]> {
  if (chunks.length > MAX_UPSERT_CHUNKS) {
    throw new InvalidStoreRequestError(`At most ${MAX_UPSERT_CHUNKS} chunks per upsert`);
  }
  const byDocument = new Map<string, StoredChunk[]>();
  const seen = new Set<string>();
  for (const chunk of chunks) {
    if (typeof chunk.id !== 'string' || chunk.id === '')
      throw new InvalidStoreRequestError('A chunk needs an id');
    if (seen.has(chunk.id))
      throw new InvalidStoreRequestError(`Chunk id "${chunk.id}" appears twice`);
    seen.add(chunk.id);
    if (typeof chunk.documentId !== 'string' || chunk.documentId === '') {
      throw new InvalidStoreRequestError(`Chunk "${chunk.id}" needs a documentId`);
    }
    if (typeof chunk.text !== 'string')
      throw new InvalidStoreRequestError(`Chunk "${chunk.id}" needs a text`);
    checkVector(chunk.vector, dimension);
    checkMetadata(chunk.id, chunk.metadata, fields);
    const group = byDocument.get(chunk.documentId) ?? [];
    group.push(chunk);
    byDocument.set(chunk.documentId, group);
  }
  return byDocument;
}

function checkMetadata(chunkId: string, metadata: StoredChunkMetadata, fields: FieldSchema): void {
  if (typeof metadata !== 'object' || metadata === null) {
    throw new InvalidStoreRequestError(`Chunk "${chunkId}" needs metadata`);
  }
  for (const key of REQUIRED_METADATA) {
    if (metadata[key] === undefined)
      throw new InvalidStoreRequestError(`Chunk "${chunkId}" lacks metadata.${key}`);
  }
  for (const [key, type] of Object.entries(fields)) {
    if (key === 'document_id') continue;
    const value = metadata[key];
    if (value === undefined || value === null) continue;
    if (!fitsType(value, type)) {
      throw new InvalidStoreRequestError(
        `Chunk "${chunkId}": metadata.${key} is not a valid ${type}`,
      );
    }
  }
}

function fitsType(value: MetadataValue, type: FieldType): boolean {
  switch (type) {
    case 'keyword':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'datetime':
      return (
        typeof value === 'string' &&
        /^\d{4}-\d{2}-\d{2}/.test(value) &&
        Number.isFinite(Date.parse(value))
      );
    case 'tags':
      return Array.isArray(value) && value.every((tag) => typeof tag === 'string');
  }
}
