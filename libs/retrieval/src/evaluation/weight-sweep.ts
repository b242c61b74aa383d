import { compareRuns, type Comparison, type NamedRun } from './compare-runs';
import type { RankedRun } from './evaluate-run';
import type { LabelledQuery } from './labelled-set.schema';
import { recommend, type Recommendation } from './recommend';

/** Dense weights tried by default: 0.3, 0.4, ... 0.9 (the keyword weight is 1 − w). */
export const DEFAULT_DENSE_WEIGHTS: readonly number[] = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

export interface WeightSweep {
  runs: NamedRun[];
  comparison: Comparison;
  recommendation: Recommendation;
  bestDenseWeight: number;
}

export const sweepRunName = (denseWeight: number) => `hybrid w=${denseWeight.toFixed(2)}`;

/**
 * Runs hybrid search once per dense weight (one after the other, so a live store is not
 * flooded) and reports the weight with the best mean nDCG@10, ties by MRR.
 */
export async function sweepDenseWeight(
  queries: readonly LabelledQuery[],
  runAt: (denseWeight: number) => Promise<RankedRun> | RankedRun,
  weights: readonly number[] = DEFAULT_DENSE_WEIGHTS,
): Promise<WeightSweep> {
  if (weights.length === 0) throw new Error('no dense weights to try');
  const byName = new Map<string, number>();
  const runs: NamedRun[] = [];
  for (const weight of weights) {
    if (!(weight >= 0 && weight <= 1)) throw new Error(`dense weight ${weight} is not within 0..1`);
    const name = sweepRunName(weight);
    byName.set(name, weight);
    runs.push({ name, ranked: await runAt(weight) });
  }
  const comparison = compareRuns(queries, runs);
  const recommendation = recommend(comparison);
  return { runs, comparison, recommendation, bestDenseWeight: byName.get(recommendation.best)! };
}
