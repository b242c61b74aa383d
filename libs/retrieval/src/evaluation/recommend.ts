import type { MetricValues } from './evaluate-run';
import type { Comparison } from './compare-runs';

export interface Recommendation {
  best: string;
  metrics: MetricValues;
  runnerUp?: { name: string; metrics: MetricValues };
  /** best − runner-up, mean nDCG@10 (0 when there is a single run). */
  ndcgMargin: number;
  /** best − runner-up, MRR. */
  mrrMargin: number;
  /** The best two scored the same nDCG@10 and a higher MRR decided. */
  decidedByMrr: boolean;
  summary: string;
}

const EPSILON = 1e-9;

/** Picks the run with the best mean nDCG@10, ties broken by MRR, then by the given order. */
export function recommend(comparison: Comparison): Recommendation {
  if (comparison.rows.length === 0) throw new Error('nothing to recommend: no runs');
  const ranked = comparison.rows
    .map((row, index) => ({ name: row.name, metrics: row.evaluation.mean, index }))
    .sort((a, b) => {
      const byNdcg = b.metrics.ndcg10 - a.metrics.ndcg10;
      if (Math.abs(byNdcg) > EPSILON) return byNdcg;
      return b.metrics.mrr - a.metrics.mrr || a.index - b.index;
    });
  const [best, runnerUp] = ranked;
  const ndcgMargin = runnerUp ? best.metrics.ndcg10 - runnerUp.metrics.ndcg10 : 0;
  const mrrMargin = runnerUp ? best.metrics.mrr - runnerUp.metrics.mrr : 0;
  const tiedOnNdcg = runnerUp !== undefined && Math.abs(ndcgMargin) <= EPSILON;
  const decidedByMrr = tiedOnNdcg && mrrMargin > EPSILON;
  return {
    best: best.name,
    metrics: best.metrics,
    ...(runnerUp ? { runnerUp: { name: runnerUp.name, metrics: runnerUp.metrics } } : {}),
    ndcgMargin,
    mrrMargin,
    decidedByMrr,
    summary: summarise(best, runnerUp, ndcgMargin, mrrMargin, tiedOnNdcg),
  };
}

function summarise(
  best: { name: string; metrics: MetricValues },
  runnerUp: { name: string; metrics: MetricValues } | undefined,
  ndcgMargin: number,
  mrrMargin: number,
  tiedOnNdcg: boolean,
): string {
  const head = `Recommended: ${best.name} (nDCG@10 ${best.metrics.ndcg10.toFixed(3)}, MRR ${best.metrics.mrr.toFixed(3)})`;
  if (!runnerUp) return `${head}; it is the only run.`;
  if (tiedOnNdcg && mrrMargin <= EPSILON) {
    return `${head}; it ties ${runnerUp.name} on nDCG@10 and MRR, and was listed first.`;
  }
  if (tiedOnNdcg) {
    return `${head}; it ties ${runnerUp.name} on nDCG@10 and leads on MRR by ${mrrMargin.toFixed(3)}.`;
  }
  const base = runnerUp.metrics.ndcg10;
  const relative = base > 0 ? ` (${((ndcgMargin / base) * 100).toFixed(1)}%)` : '';
  return `${head}; ${ndcgMargin.toFixed(3)}${relative} nDCG@10 ahead of ${runnerUp.name} (${base.toFixed(3)}).`;
}
