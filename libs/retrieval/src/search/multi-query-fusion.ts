import { DEFAULT_RRF_K } from '../stores';

/** A ranked hit list of one query, best first. */
export interface QueryHits<T extends { chunkId: string }> {
  query: string;
  hits: readonly T[];
}

export interface MultiQueryHit<T> {
  hit: T;
  /** Reciprocal rank fusion over the queries' lists: sum of 1 / (k + rank). */
  fused: number;
}

/**
 * Fuses the lists of several queries (the original and its rewrites) by reciprocal rank, so a
 * chunk several phrasings find rises. A chunk keeps the hit object of the list it ranked best
 * in; ties are broken by chunk id, so the order is deterministic.
 */
export function fuseQueryLists<T extends { chunkId: string }>(
  lists: readonly QueryHits<T>[],
  k = DEFAULT_RRF_K,
): MultiQueryHit<T>[] {
  const merged = new Map<string, { hit: T; fused: number; bestRank: number }>();
  for (const list of lists) {
    const seen = new Set<string>();
    list.hits.forEach((hit, rank) => {
      if (seen.has(hit.chunkId)) return; // a duplicate in one list counts once
      seen.add(hit.chunkId);
      const entry = merged.get(hit.chunkId);
      const share = 1 / (k + rank + 1);
      if (!entry) {
        merged.set(hit.chunkId, { hit, fused: share, bestRank: rank });
        return;
      }
      entry.fused += share;
      if (rank < entry.bestRank) {
        entry.hit = hit;
        entry.bestRank = rank;
      }
    });
  }
  return [...merged.entries()]
    .sort(([a, x], [b, y]) => y.fused - x.fused || a.localeCompare(b))
    .map(([, { hit, fused }]) => ({ hit, fused }));
}
