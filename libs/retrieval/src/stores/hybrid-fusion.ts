import type { FusionSpec, SearchScores } from './vector-store';
import { InvalidStoreRequestError } from './store-errors';

/** One hit of a ranked list: higher `score` is better, the list is in rank order. */
export interface RankedItem<T> {
  id: string;
  score: number;
  item: T;
}

export interface FusedItem<T> {
  id: string;
  item: T;
  scores: SearchScores;
}

export const DEFAULT_FUSION: FusionSpec = { method: 'weighted', denseWeight: 0.7 };
export const DEFAULT_RRF_K = 60;

/**
 * Fuses a dense and a keyword list into one ranking, store-independent: LanceDB returns
 * the two lists and fuses here; Qdrant fuses RRF/DBSF natively and weighted here.
 */
export function fuseRankedLists<T>(
  dense: readonly RankedItem<T>[],
  keyword: readonly RankedItem<T>[],
  spec: FusionSpec = DEFAULT_FUSION,
): FusedItem<T>[] {
  const contributions = fusionContributions(dense, keyword, spec);
  const merged = new Map<string, FusedItem<T>>();
  const add = (list: readonly RankedItem<T>[], part: number[], which: 'dense' | 'keyword') => {
    list.forEach((hit, index) => {
      const entry = merged.get(hit.id) ?? { id: hit.id, item: hit.item, scores: { fused: 0 } };
      if (entry.scores[which] !== undefined) return; // a duplicate id in one list counts once
      entry.scores[which] = hit.score;
      entry.scores.fused += part[index];
      merged.set(hit.id, entry);
    });
  };
  add(dense, contributions.dense, 'dense');
  add(keyword, contributions.keyword, 'keyword');
  return [...merged.values()].sort(
    (a, b) => b.scores.fused - a.scores.fused || a.id.localeCompare(b.id),
  );
}

/** Each hit's share of the fused score, per list, by the fusion method. */
function fusionContributions(
  dense: readonly RankedItem<unknown>[],
  keyword: readonly RankedItem<unknown>[],
  spec: FusionSpec,
): { dense: number[]; keyword: number[] } {
  switch (spec.method) {
    case 'weighted': {
      const weight = spec.denseWeight ?? 0.7;
      if (!(weight >= 0 && weight <= 1))
        throw new InvalidStoreRequestError('denseWeight must be within 0..1');
      return {
        dense: minMaxNormalise(dense.map((h) => h.score)).map((s) => s * weight),
        keyword: minMaxNormalise(keyword.map((h) => h.score)).map((s) => s * (1 - weight)),
      };
    }
    case 'rrf': {
      const k = spec.k ?? DEFAULT_RRF_K;
      if (!(Number.isFinite(k) && k >= 0))
        throw new InvalidStoreRequestError('rrf k must be a number >= 0');
      const reciprocal = (_: unknown, index: number) => 1 / (k + index + 1);
      return { dense: dense.map(reciprocal), keyword: keyword.map(reciprocal) };
    }
    case 'dbsf':
      return {
        dense: distributionNormalise(dense.map((h) => h.score)),
        keyword: distributionNormalise(keyword.map((h) => h.score)),
      };
  }
}

/** Min-max to 0..1; a list whose scores are all equal maps to 1 (they are all the best). */
export function minMaxNormalise(scores: readonly number[]): number[] {
  if (scores.length === 0) return [];
  const min = Math.min(...scores);
  const max = Math.max(...scores);
  return scores.map((s) => (max === min ? 1 : (s - min) / (max - min)));
}

/** Qdrant's DBSF: (s - (mean - 3σ)) / 6σ, clamped to 0..1; σ = 0 maps to 0.5. */
export function distributionNormalise(scores: readonly number[]): number[] {
  if (scores.length === 0) return [];
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const sigma = Math.sqrt(scores.reduce((a, s) => a + (s - mean) ** 2, 0) / scores.length);
  if (sigma === 0) return scores.map(() => 0.5);
  const low = mean - 3 * sigma;
  return scores.map((s) => Math.min(1, Math.max(0, (s - low) / (6 * sigma))));
}
