import {
  evaluateRun,
  meanMetrics,
  METRIC_LABELS,
  type MetricValues,
  type RankedRun,
  type RunEvaluation,
} from './evaluate-run';
import type { LabelledQuery } from './labelled-set.schema';

/** One retrieval configuration's rankings, e.g. `dense`, `hybrid w=0.6`, `hybrid+rerank`. */
export interface NamedRun {
  name: string;
  ranked: RankedRun;
}

export interface ComparisonRow {
  name: string;
  evaluation: RunEvaluation;
  /** Means per query kind (queries without a kind fall under `-`). */
  byKind: Record<string, MetricValues>;
}

export interface Comparison {
  rows: ComparisonRow[];
  kinds: string[];
  queryCount: number;
}

const METRICS = Object.keys(METRIC_LABELS) as (keyof MetricValues)[];

/** Scores every run on the same queries, for a side-by-side view. */
export function compareRuns(
  queries: readonly LabelledQuery[],
  runs: readonly NamedRun[],
): Comparison {
  const names = new Set<string>();
  for (const run of runs) {
    if (names.has(run.name)) throw new Error(`two runs are named "${run.name}"`);
    names.add(run.name);
  }
  const kinds = [...new Set(queries.map((q) => q.kind ?? '-'))].sort();
  const rows = runs.map((run): ComparisonRow => {
    const evaluation = evaluateRun(queries, run.ranked);
    const byKind: Record<string, MetricValues> = {};
    for (const kind of kinds) {
      byKind[kind] = meanMetrics(evaluation.perQuery.filter((r) => (r.kind ?? '-') === kind));
    }
    return { name: run.name, evaluation, byKind };
  });
  return { rows, kinds, queryCount: queries.length };
}

/** A fixed-width text table: the four metrics per run, then nDCG@10 per query kind. */
export function renderComparison(comparison: Comparison): string {
  const { rows, kinds } = comparison;
  const nameWidth = Math.max(4, ...rows.map((r) => r.name.length)) + 2;
  const cell = (text: string, width = 9) => text.padStart(width);
  const num = (value: number) => cell(value.toFixed(3));
  const head = 'run'.padEnd(nameWidth) + METRICS.map((m) => cell(METRIC_LABELS[m])).join('');
  const lines = [head, '-'.repeat(head.length)];
  for (const row of rows) {
    lines.push(
      row.name.padEnd(nameWidth) + METRICS.map((m) => num(row.evaluation.mean[m])).join(''),
    );
  }
  const judged = rows[0]?.evaluation.judged ?? 0;
  lines.push('', `${judged} judged queries of ${comparison.queryCount}.`);
  const notes = rows.flatMap((r) =>
    r.evaluation.missing.length ? [`${r.name}: no ranking for ${r.evaluation.missing.length}`] : [],
  );
  lines.push(...notes);
  if (kinds.length > 1) {
    const width = Math.max(9, ...kinds.map((k) => k.length + 2));
    const kindHead = 'nDCG@10'.padEnd(nameWidth) + kinds.map((k) => cell(k, width)).join('');
    lines.push('', kindHead, '-'.repeat(kindHead.length));
    for (const row of rows) {
      const values = kinds.map((k) => cell(row.byKind[k].ndcg10.toFixed(3), width));
      lines.push(row.name.padEnd(nameWidth) + values.join(''));
    }
  }
  return `${lines.join('\n')}\n`;
}
