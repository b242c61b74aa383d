import type { Schemas } from '@qdrant/js-client-rest';
import type { CheckedFilter, RangeBounds } from './retrieval-filter';

type QdrantFilter = Schemas['Filter'];
type QdrantCondition = Schemas['Condition'];

/** Payload layout of a Qdrant point: ids and text at the top, metadata under `metadata`. */
export function qdrantKey(field: string): string {
  return field === 'document_id' ? 'document_id' : `metadata.${field}`;
}

/** A checked filter as a Qdrant filter; dates become RFC 3339 datetime ranges. */
export function toQdrantFilter(filter: CheckedFilter): QdrantFilter {
  if (filter.op === 'and') return { must: filter.filters.map(toCondition) };
  if (filter.op === 'or') return { should: filter.filters.map(toCondition) };
  return { must: [toCondition(filter)] };
}

function toCondition(filter: CheckedFilter): QdrantCondition {
  switch (filter.op) {
    case 'and':
      return { must: filter.filters.map(toCondition) };
    case 'or':
      return { should: filter.filters.map(toCondition) };
    case 'eq':
      if (filter.type === 'datetime') {
        const at = iso(filter.value as number);
        return { key: qdrantKey(filter.field), range: { gte: at, lte: at } };
      }
      return { key: qdrantKey(filter.field), match: { value: filter.value } };
    case 'in':
      return {
        key: qdrantKey(filter.field),
        match: { any: filter.values as string[] | number[] },
      };
    case 'range':
      return { key: qdrantKey(filter.field), range: rangeOf(filter.type, filter.bounds) };
    case 'tagsAny':
      return { key: qdrantKey(filter.field), match: { any: filter.values } };
    case 'tagsAll':
      return {
        must: filter.values.map((value) => ({ key: qdrantKey(filter.field), match: { value } })),
      };
  }
}

function rangeOf(type: 'number' | 'datetime', bounds: RangeBounds): Schemas['RangeInterface'] {
  if (type === 'number') return { ...bounds };
  const out: Schemas['DatetimeRange'] = {};
  for (const key of ['gt', 'gte', 'lt', 'lte'] as const) {
    const bound = bounds[key];
    if (bound !== undefined) out[key] = iso(bound);
  }
  return out;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
