import type { FieldSchema, FieldType } from './collection-schema';
import { RetrievalFilterError } from './store-errors';

/**
 * The small typed filter language of searches and counts. Dates are ISO-8601 strings (or
 * epoch milliseconds); `tagsAny`/`tagsAll` apply to `tags` fields only.
 */
export type RetrievalFilter =
  | { op: 'eq'; field: string; value: string | number | boolean }
  | { op: 'in'; field: string; values: readonly (string | number)[] }
  | {
      op: 'range';
      field: string;
      gt?: RangeBound;
      gte?: RangeBound;
      lt?: RangeBound;
      lte?: RangeBound;
    }
  | { op: 'tagsAny'; field: string; values: readonly string[] }
  | { op: 'tagsAll'; field: string; values: readonly string[] }
  | { op: 'and'; filters: readonly RetrievalFilter[] }
  | { op: 'or'; filters: readonly RetrievalFilter[] };

export type RangeBound = number | string;

/** A filter checked against a collection's fields; dates are epoch milliseconds. */
export type CheckedFilter =
  | { op: 'eq'; field: string; type: FieldType; value: string | number | boolean }
  | { op: 'in'; field: string; type: FieldType; values: (string | number)[] }
  | { op: 'range'; field: string; type: 'number' | 'datetime'; bounds: RangeBounds }
  | { op: 'tagsAny' | 'tagsAll'; field: string; values: string[] }
  | { op: 'and' | 'or'; filters: CheckedFilter[] };

export interface RangeBounds {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

const MAX_DEPTH = 8;
const MAX_VALUES = 1000;
const RANGE_KEYS = ['gt', 'gte', 'lt', 'lte'] as const;

/** Throws `RetrievalFilterError` naming the field on an unknown field or a wrong type. */
export function checkFilter(
  filter: RetrievalFilter,
  fields: FieldSchema,
  depth = 0,
): CheckedFilter {
  if (depth > MAX_DEPTH)
    throw new RetrievalFilterError('(filter)', `nested deeper than ${MAX_DEPTH}`);
  switch (filter.op) {
    case 'and':
    case 'or': {
      if (!isList(filter.filters) || filter.filters.length === 0) {
        throw new RetrievalFilterError(`(${filter.op})`, 'needs at least one filter');
      }
      return {
        op: filter.op,
        filters: filter.filters.map((f) => checkFilter(f, fields, depth + 1)),
      };
    }
    case 'eq': {
      const type = typeOf(filter.field, fields);
      if (type === 'tags')
        throw new RetrievalFilterError(filter.field, 'is a tags field: use tagsAny or tagsAll');
      return {
        op: 'eq',
        field: filter.field,
        type,
        value: scalar(filter.field, type, filter.value),
      };
    }
    case 'in': {
      const type = typeOf(filter.field, fields);
      if (type !== 'keyword' && type !== 'number') {
        throw new RetrievalFilterError(
          filter.field,
          `"in" applies to keyword and number fields, not ${type}`,
        );
      }
      const values = list(filter.field, filter.values).map(
        (v) => scalar(filter.field, type, v) as string | number,
      );
      return { op: 'in', field: filter.field, type, values };
    }
    case 'range': {
      const type = typeOf(filter.field, fields);
      if (type !== 'number' && type !== 'datetime') {
        throw new RetrievalFilterError(
          filter.field,
          `"range" applies to number and datetime fields, not ${type}`,
        );
      }
      const bounds: RangeBounds = {};
      for (const key of RANGE_KEYS) {
        const bound = filter[key];
        if (bound !== undefined) bounds[key] = scalar(filter.field, type, bound) as number;
      }
      if (Object.keys(bounds).length === 0)
        throw new RetrievalFilterError(filter.field, 'range without bounds');
      return { op: 'range', field: filter.field, type, bounds };
    }
    case 'tagsAny':
    case 'tagsAll': {
      const type = typeOf(filter.field, fields);
      if (type !== 'tags')
        throw new RetrievalFilterError(
          filter.field,
          `"${filter.op}" applies to tags fields, not ${type}`,
        );
      const values = list(filter.field, filter.values).map(
        (v) => scalar(filter.field, 'keyword', v) as string,
      );
      return { op: filter.op, field: filter.field, values };
    }
    default: {
      const unknown: never = filter;
      throw new RetrievalFilterError(
        '(filter)',
        `unknown operator ${JSON.stringify((unknown as { op?: unknown }).op)}`,
      );
    }
  }
}

function typeOf(field: unknown, fields: FieldSchema): FieldType {
  if (typeof field !== 'string' || !Object.prototype.hasOwnProperty.call(fields, field)) {
    throw new RetrievalFilterError(String(field), 'not a filterable field of this collection');
  }
  return fields[field];
}

function list<T>(field: string, values: readonly T[]): T[] {
  if (!isList(values) || values.length === 0)
    throw new RetrievalFilterError(field, 'needs a non-empty list');
  if (values.length > MAX_VALUES)
    throw new RetrievalFilterError(field, `more than ${MAX_VALUES} values`);
  return [...values];
}

function scalar(field: string, type: FieldType, value: unknown): string | number | boolean {
  switch (type) {
    case 'keyword':
    case 'tags':
      if (typeof value === 'string') return value;
      throw new RetrievalFilterError(field, `expects a string, got ${describe(value)}`);
    case 'number':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      throw new RetrievalFilterError(field, `expects a finite number, got ${describe(value)}`);
    case 'boolean':
      if (typeof value === 'boolean') return value;
      throw new RetrievalFilterError(field, `expects a boolean, got ${describe(value)}`);
    case 'datetime':
      return toEpochMs(field, value);
  }
}

/** ISO-8601 string (with a date at least) or epoch milliseconds, to epoch milliseconds. */
export function toEpochMs(field: string, value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)) {
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) return ms;
  }
  throw new RetrievalFilterError(
    field,
    `expects an ISO-8601 date or epoch milliseconds, got ${describe(value)}`,
  );
}

/** Array check without narrowing to `any[]` (inputs come from JSON bodies). */
function isList(value: unknown): boolean {
  return Array.isArray(value);
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'an array' : `${typeof value} ${JSON.stringify(value)}`;
}
