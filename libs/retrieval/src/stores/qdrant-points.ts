import { createHash } from 'node:crypto';
import type { Schemas } from '@qdrant/js-client-rest';
import type { FieldSchema, FieldType } from './collection-schema';
import { documentKeywordVector, DENSE_VECTOR, SPARSE_VECTOR, type Bm25Mode } from './qdrant-query';
import type { StoredChunkMetadata, MetadataValue, SearchHit, StoredChunk } from './vector-store';

/** Qdrant ids are UUIDs or integers: a chunk id maps to a stable name-based UUID. */
export function pointId(chunkId: string): string {
  const hex = createHash('sha1').update(`switchboard-chunk:${chunkId}`).digest('hex');
  const variant = ((Number.parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Payload: `chunk_id`, `document_id`, `text` at the top; metadata (dates as RFC 3339) below. */
export function chunkToPoint(
  chunk: StoredChunk,
  fields: FieldSchema,
  bm25: Bm25Mode,
): Schemas['PointStruct'] {
  const metadata: Record<string, MetadataValue> = { ...chunk.metadata };
  for (const [name, type] of Object.entries(fields)) {
    const value = metadata[name];
    if (type === 'datetime' && typeof value === 'string')
      metadata[name] = new Date(Date.parse(value)).toISOString();
  }
  return {
    id: pointId(chunk.id),
    vector: {
      [DENSE_VECTOR]: chunk.vector,
      [SPARSE_VECTOR]: documentKeywordVector(chunk.text, bm25),
    },
    payload: { chunk_id: chunk.id, document_id: chunk.documentId, text: chunk.text, metadata },
  };
}

export type HitBody = Omit<SearchHit, 'scores'>;

export function pointToHit(point: Schemas['ScoredPoint']): HitBody {
  const payload = point.payload ?? {};
  return {
    chunkId: payload.chunk_id as string,
    documentId: payload.document_id as string,
    text: payload.text as string,
    metadata: payload.metadata as StoredChunkMetadata,
  };
}

export function payloadIndexType(type: FieldType): Schemas['PayloadSchemaType'] {
  switch (type) {
    case 'keyword':
    case 'tags':
      return 'keyword';
    case 'number':
      return 'float';
    case 'datetime':
      return 'datetime';
    case 'boolean':
      return 'bool';
  }
}
