// Retrieval evaluation: graded ranking metrics, the labelled-set loader (the shipped corpus
// under tests/fixtures/retrieval/eval or a user's own files), side-by-side comparison of
// search modes, the recommendation and the dense-weight sweep. Pure: no store, no network.
export {
  dcgAtK,
  ndcgAtK,
  precisionAtK,
  recallAtK,
  reciprocalRank,
  relevantCount,
  topK,
  type Judgements,
} from './ranking-metrics';
export {
  evaluateRun,
  meanMetrics,
  METRIC_LABELS,
  scoreQuery,
  type MetricValues,
  type QueryResult,
  type RankedRun,
  type RunEvaluation,
} from './evaluate-run';
export {
  GradeSchema,
  LabelledDocumentLineSchema,
  LabelledQueryLineSchema,
  type LabelledDocument,
  type LabelledQuery,
  type LabelledSet,
} from './labelled-set.schema';
export { LabelledSetError } from './labelled-set-error';
export {
  loadLabelledSet,
  parseDocuments,
  parseQueries,
  type LabelledSetFiles,
} from './load-labelled-set';
export {
  compareRuns,
  renderComparison,
  type Comparison,
  type ComparisonRow,
  type NamedRun,
} from './compare-runs';
export { recommend, type Recommendation } from './recommend';
export {
  DEFAULT_DENSE_WEIGHTS,
  sweepDenseWeight,
  sweepRunName,
  type WeightSweep,
} from './weight-sweep';
