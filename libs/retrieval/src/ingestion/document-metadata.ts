import type { FieldType } from '../stores';

/** A metadata value of the wrong type for its field; the API answers 400 naming `field`. */
export class DocumentMetadataError extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`metadata.${field}: ${reason}`);
    this.name = 'DocumentMetadataError';
  }
}

const BUILT_IN: Record<string, FieldType> = {
  doc_type: 'keyword',
  source: 'keyword',
  created_at: 'datetime',
  updated_at: 'datetime',
  privacy_level: 'keyword',
  tags: 'tags',
};
const RESERVED = new Set(['document_id', 'id', 'chunk_id', 'text', 'vector', 'extra_json']);
const KEY = /^[a-z][a-z0-9_]{0,62}$/;

function check(field: string, type: FieldType, value: unknown): void {
  const fail = (what: string) => {
    throw new DocumentMetadataError(field, `must be ${what}`);
  };
  switch (type) {
    case 'keyword':
      if (typeof value !== 'string') fail('a string');
      return;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) fail('a number');
      return;
    case 'boolean':
      if (typeof value !== 'boolean') fail('a boolean');
      return;
    case 'datetime':
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
        fail('an ISO-8601 date-time string');
      }
      return;
    case 'tags':
      if (!Array.isArray(value) || value.some((t) => typeof t !== 'string')) {
        fail('an array of strings');
      }
      return;
  }
}

/**
 * Validates a document's metadata: the built-in keys (`doc_type`, `source`, `created_at`,
 * `updated_at`, `privacy_level`, `tags`) and the collection's declared `fields` by type;
 * other keys are free-form scalars (string, number, boolean, null) or string arrays.
 * Date-times are normalised to ISO-8601.
 */
export function validateDocumentMetadata(
  raw: unknown,
  fields: Record<string, FieldType>,
): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new DocumentMetadataError('(metadata)', 'must be a JSON object');
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!KEY.test(key) || RESERVED.has(key)) {
      throw new DocumentMetadataError(
        key,
        'is not an allowed key (lower-case snake_case, not reserved)',
      );
    }
    const type = BUILT_IN[key] ?? fields[key];
    if (type) {
      check(key, type, value);
      out[key] = type === 'datetime' ? new Date(value as string).toISOString() : value;
      continue;
    }
    const scalar = value === null || ['string', 'number', 'boolean'].includes(typeof value);
    const strings = Array.isArray(value) && value.every((v) => typeof v === 'string');
    if (!scalar && !strings) {
      throw new DocumentMetadataError(
        key,
        'must be a string, number, boolean, null or string array',
      );
    }
    out[key] = value;
  }
  return out;
}
