import {
  Field,
  FixedSizeList,
  Float32,
  Float64,
  Int64,
  Int8,
  List,
  Schema,
  Utf8,
  type DataType,
} from 'apache-arrow';
import type { FieldSchema, FieldType } from './collection-schema';
import type {
  StoredChunkMetadata,
  CollectionSpec,
  MetadataValue,
  StoredChunk,
} from './vector-store';

/** The table's schema metadata key that keeps the collection spec. */
export const SPEC_METADATA_KEY = 'switchboard.collection';

/**
 * One row per chunk: `id`, `document_id`, `text`, `vector`, one column per filterable
 * field (dates as epoch-ms Int64, booleans as Int8 0/1, tags as List<Utf8>), and the rest of the metadata as JSON.
 */
export function tableSchema(spec: CollectionSpec, fields: FieldSchema): Schema {
  const columns = [
    new Field('id', new Utf8(), false),
    new Field('document_id', new Utf8(), false),
    new Field('text', new Utf8(), false),
    new Field(
      'vector',
      new FixedSizeList(spec.dimension, new Field('item', new Float32(), true)),
      false,
    ),
    ...Object.entries(fields)
      .filter(([name]) => name !== 'document_id')
      .map(([name, type]) => new Field(name, arrowType(type), true)),
    new Field('extra_json', new Utf8(), true),
  ];
  return new Schema(columns, new Map([[SPEC_METADATA_KEY, JSON.stringify(spec)]]));
}

function arrowType(type: FieldType): DataType {
  switch (type) {
    case 'keyword':
      return new Utf8();
    case 'number':
      return new Float64();
    case 'datetime':
      return new Int64();
    case 'boolean':
      // Int8 0/1, not Bool: apache-arrow's IPC writer sends an all-null Bool column with an
      // empty values buffer, which LanceDB (arrow-rs) rejects.
      return new Int8();
    case 'tags':
      return new List(new Field('item', new Utf8(), true));
  }
}

export function chunkToRow(chunk: StoredChunk, fields: FieldSchema): Record<string, unknown> {
  const row: Record<string, unknown> = {
    id: chunk.id,
    document_id: chunk.documentId,
    text: chunk.text,
    vector: chunk.vector,
  };
  const extra: Record<string, MetadataValue> = {};
  for (const [key, value] of Object.entries(chunk.metadata)) {
    if (!(key in fields) || key === 'document_id') extra[key] = value;
  }
  for (const [name, type] of Object.entries(fields)) {
    if (name === 'document_id') continue;
    const value = chunk.metadata[name];
    row[name] = value === undefined || value === null ? null : toColumn(value, type);
  }
  row.extra_json = Object.keys(extra).length > 0 ? JSON.stringify(extra) : null;
  return row;
}

function toColumn(value: MetadataValue, type: FieldType): unknown {
  if (type === 'datetime') return BigInt(Date.parse(value as string));
  if (type === 'boolean') return value ? 1 : 0;
  return value;
}

export function rowToMetadata(
  row: Record<string, unknown>,
  fields: FieldSchema,
): StoredChunkMetadata {
  const metadata: Record<string, MetadataValue> = {};
  for (const [name, type] of Object.entries(fields)) {
    if (name === 'document_id') continue;
    const value = fromColumn(row[name], type);
    if (value !== null) metadata[name] = value;
  }
  const extra =
    typeof row.extra_json === 'string'
      ? (JSON.parse(row.extra_json) as Record<string, MetadataValue>)
      : {};
  return { ...extra, ...metadata } as StoredChunkMetadata;
}

function fromColumn(value: unknown, type: FieldType): MetadataValue {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'datetime':
      return new Date(Number(value)).toISOString();
    case 'tags':
      return [...(value as Iterable<string>)];
    case 'number':
      return Number(value);
    case 'boolean':
      return Number(value) === 1;
    case 'keyword':
      return value as string;
  }
}
