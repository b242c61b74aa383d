import type { FieldSchema } from './collection-schema';
import { checkFilter, type CheckedFilter } from './retrieval-filter';
import { DEFAULT_FUSION } from './hybrid-fusion';
import { InvalidStoreRequestError } from './store-errors';
import type { FusionSpec, SearchMode, SearchRequest } from './vector-store';

export const MAX_SEARCH_K = 200;
/** Each list of a hybrid search fetches this many candidates (at least), before fusion. */
export const MIN_HYBRID_CANDIDATES = 50;

export interface CheckedSearch {
  mode: SearchMode;
  vector?: number[];
  text?: string;
  k: number;
  filter?: CheckedFilter;
  fusion: FusionSpec;
  /** Candidates per list for hybrid. */
  candidates: number;
}

/** Validates a search the same way for every store (k bounds, inputs per mode, filter). */
export function checkSearchRequest(
  request: SearchRequest,
  fields: FieldSchema,
  dimension: number,
): CheckedSearch {
  const { mode, k } = request;
  if (mode !== 'dense' && mode !== 'keyword' && mode !== 'hybrid') {
    throw new InvalidStoreRequestError(`Unknown search mode ${JSON.stringify(mode)}`);
  }
  if (!Number.isInteger(k) || k < 1 || k > MAX_SEARCH_K) {
    throw new InvalidStoreRequestError(`k must be an integer 1..${MAX_SEARCH_K}, got ${String(k)}`);
  }
  const needsVector = mode !== 'keyword';
  const needsText = mode !== 'dense';
  if (needsVector) checkVector(request.vector, dimension);
  if (needsText && (typeof request.text !== 'string' || request.text.trim() === '')) {
    throw new InvalidStoreRequestError(`A ${mode} search needs a non-empty text`);
  }
  return {
    mode,
    k,
    vector: needsVector ? request.vector : undefined,
    text: needsText ? request.text : undefined,
    filter: request.filter ? checkFilter(request.filter, fields) : undefined,
    fusion: request.fusion ?? DEFAULT_FUSION,
    candidates: Math.max(k * 3, MIN_HYBRID_CANDIDATES),
  };
}

export function checkVector(vector: unknown, dimension: number): asserts vector is number[] {
  if (!Array.isArray(vector) || vector.length !== dimension) {
    throw new InvalidStoreRequestError(`A vector of dimension ${dimension} is needed`);
  }
  if (!vector.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new InvalidStoreRequestError('Vector components must be finite numbers');
  }
}
