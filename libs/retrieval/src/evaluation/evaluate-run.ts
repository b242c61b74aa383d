import { ndcgAtK, precisionAtK, recallAtK, reciprocalRank, relevantCount } from './ranking-metrics';
import type { LabelledQuery } from './labelled-set.schema';

/** The metrics the harness reports, at the cut-offs the issue names. */
export interface MetricValues {
  ndcg10: number;
  precision5: number;
  recall10: number;
  mrr: number;
}

export const METRIC_LABELS: { [M in keyof MetricValues]: string } = {
  ndcg10: 'nDCG@10',
  precision5: 'P@5',
  recall10: 'R@10',
  mrr: 'MRR',
};

export interface QueryResult extends MetricValues {
  queryId: string;
  kind?: string;
}

export interface RunEvaluation {
  perQuery: QueryResult[];
  mean: MetricValues;
  /** Queries averaged (those with at least one relevant document). */
  judged: number;
  /** Queries with no relevant document: reported, left out of the means. */
  unjudged: string[];
  /** Judged queries the run gave no ranking for: scored 0. */
  missing: string[];
}

/** A run: for each query id, the document ids it ranked, best first. */
export type RankedRun = ReadonlyMap<string, readonly string[]>;

export function scoreQuery(ranked: readonly string[], query: LabelledQuery): QueryResult {
  const j = query.relevant;
  return {
    queryId: query.id,
    ...(query.kind ? { kind: query.kind } : {}),
    ndcg10: ndcgAtK(ranked, j, 10),
    precision5: precisionAtK(ranked, j, 5),
    recall10: recallAtK(ranked, j, 10),
    mrr: reciprocalRank(ranked, j),
  };
}

export function meanMetrics(results: readonly MetricValues[]): MetricValues {
  const mean = (pick: (r: MetricValues) => number) =>
    results.length === 0 ? 0 : results.reduce((sum, r) => sum + pick(r), 0) / results.length;
  return {
    ndcg10: mean((r) => r.ndcg10),
    precision5: mean((r) => r.precision5),
    recall10: mean((r) => r.recall10),
    mrr: mean((r) => r.mrr),
  };
}

export function evaluateRun(queries: readonly LabelledQuery[], run: RankedRun): RunEvaluation {
  const judgedQueries = queries.filter((q) => relevantCount(q.relevant) > 0);
  const perQuery = judgedQueries.map((q) => scoreQuery(run.get(q.id) ?? [], q));
  return {
    perQuery,
    mean: meanMetrics(perQuery),
    judged: judgedQueries.length,
    unjudged: queries.filter((q) => relevantCount(q.relevant) === 0).map((q) => q.id),
    missing: judgedQueries.filter((q) => !run.has(q.id)).map((q) => q.id),
  };
}
