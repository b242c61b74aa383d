import { InvalidStoreRequestError } from '../stores';
import { MAX_REWRITES } from './query-rewrite';
import type { SearchQuery } from './search.types';

export const MAX_RESULTS = 50;

/** The limits of a search query beyond the store's own (k 1..50, rewrites 1..5, a budget > 0). */
export function checkSearchQuery(query: SearchQuery): void {
  if (typeof query.text !== 'string' || query.text.trim() === '') {
    throw new InvalidStoreRequestError('The query text must not be empty');
  }
  if (!Number.isInteger(query.k) || query.k < 1 || query.k > MAX_RESULTS) {
    throw new InvalidStoreRequestError(`k must be an integer 1..${MAX_RESULTS}`);
  }
  const rewrites = query.rewrite?.queries;
  if (
    rewrites !== undefined &&
    !(Number.isInteger(rewrites) && rewrites >= 0 && rewrites <= MAX_REWRITES)
  ) {
    throw new InvalidStoreRequestError(`rewrite.queries must be an integer 0..${MAX_REWRITES}`);
  }
  const budget = query.contextTokens;
  if (budget !== undefined && !(Number.isInteger(budget) && budget >= 1)) {
    throw new InvalidStoreRequestError('contextTokens must be a positive integer');
  }
}
