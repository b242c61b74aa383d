import type { CollectionSpec } from './vector-store';
import { CollectionConflictError, InvalidStoreRequestError } from './store-errors';

/** Types a filterable field can have; they decide which filter operators apply. */
export type FieldType = 'keyword' | 'number' | 'datetime' | 'boolean' | 'tags';

export const BUILT_IN_FIELDS: Readonly<Record<string, FieldType>> = Object.freeze({
  document_id: 'keyword',
  doc_type: 'keyword',
  source: 'keyword',
  created_at: 'datetime',
  updated_at: 'datetime',
  privacy_level: 'keyword',
  tags: 'tags',
});

/** Metadata keys every chunk must carry (`document_id` comes from the chunk itself). */
export const REQUIRED_METADATA = [
  'doc_type',
  'source',
  'created_at',
  'updated_at',
  'privacy_level',
  'tags',
] as const;

/** Names the stores use for their own columns/payload keys. */
const RESERVED_FIELDS = new Set(['id', 'chunk_id', 'text', 'vector', 'extra_json', 'metadata']);

/** Collection ids become table/collection names: keep them safe for both stores. */
export const COLLECTION_ID_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,127}$/;
const FIELD_NAME_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
const FIELD_TYPES: readonly FieldType[] = ['keyword', 'number', 'datetime', 'boolean', 'tags'];

export const MAX_DIMENSION = 8192;

/** The effective field map of a collection: built-ins plus the declared fields. */
export type FieldSchema = Readonly<Record<string, FieldType>>;

export function fieldSchemaOf(spec: CollectionSpec): FieldSchema {
  return { ...BUILT_IN_FIELDS, ...(spec.fields ?? {}) };
}

export function assertCollectionId(id: string): void {
  if (!COLLECTION_ID_PATTERN.test(id)) {
    throw new InvalidStoreRequestError(
      `Invalid collection id "${id}": 1-128 letters, digits, "_" or "-", starting with a letter or digit`,
    );
  }
}

/** Validates a spec and returns it normalised (declared fields sorted, no built-ins repeated). */
export function normaliseCollectionSpec(spec: CollectionSpec): CollectionSpec {
  assertCollectionId(spec.id);
  if (!Number.isInteger(spec.dimension) || spec.dimension < 1 || spec.dimension > MAX_DIMENSION) {
    throw new InvalidStoreRequestError(
      `Invalid dimension ${spec.dimension}: an integer 1..${MAX_DIMENSION}`,
    );
  }
  const fields: Record<string, FieldType> = {};
  for (const [name, type] of Object.entries(spec.fields ?? {}).sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    if (!FIELD_NAME_PATTERN.test(name) || RESERVED_FIELDS.has(name)) {
      throw new InvalidStoreRequestError(
        `Invalid field name "${name}": lower-case snake_case, not reserved`,
      );
    }
    if (!FIELD_TYPES.includes(type)) {
      throw new InvalidStoreRequestError(`Invalid type "${String(type)}" for field "${name}"`);
    }
    if (name in BUILT_IN_FIELDS) {
      if (BUILT_IN_FIELDS[name] !== type) {
        throw new InvalidStoreRequestError(
          `Field "${name}" is built in as ${BUILT_IN_FIELDS[name]}`,
        );
      }
      continue;
    }
    fields[name] = type;
  }
  return { id: spec.id, dimension: spec.dimension, fields };
}

export function assertSameSpec(existing: CollectionSpec, wanted: CollectionSpec): void {
  if (existing.dimension !== wanted.dimension) {
    throw new CollectionConflictError(
      wanted.id,
      `dimension ${existing.dimension}, not ${wanted.dimension}`,
    );
  }
  const a = JSON.stringify(existing.fields ?? {});
  const b = JSON.stringify(wanted.fields ?? {});
  if (a !== b) throw new CollectionConflictError(wanted.id, `fields ${a}, not ${b}`);
}
