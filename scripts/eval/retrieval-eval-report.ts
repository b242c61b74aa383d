import { renderComparison } from '@switchboard/retrieval';
import type { EvalReport } from './retrieval-eval-harness';

/** The printed report: setup, the side-by-side table, the sweep and the recommendation. */
export function renderEvalReport(report: EvalReport): string {
  const { embedding, rerank } = report;
  const lines = [
    `Retrieval evaluation: ${report.dir}`,
    `${report.documents} documents (${report.chunks} chunks), ${report.queries} queries, k=${report.k}; temporary LanceDB collection.`,
    `Catalogue: ${report.catalogue}`,
    `Embeddings: ${embedding.model} at tier ${embedding.tier}, ${embedding.dimensions} dimensions.`,
  ];
  if (embedding.simulated) {
    lines.push(
      'NOTE: simulated embeddings are lexical hashes of words and character n-grams, not a',
      'semantic model: "dense" here cannot match synonyms or paraphrases. Set LLM_CATALOGUE_FILE',
      'to a catalogue with a real embeddings model to measure dense retrieval.',
    );
  }
  lines.push(
    rerank.method === 'model'
      ? `Rerank: ${rerank.model} (rerank model) at tier ${rerank.tier}, over the top ${report.k * 2} hybrid candidates.`
      : rerank.method === 'llm'
        ? `Rerank: listwise LLM ranking by ${rerank.model} at tier ${rerank.tier} (the catalogue has no rerank model).`
        : `Rerank: ${rerank.note}.`,
  );
  if (rerank.model?.startsWith('simulated/')) {
    lines.push('NOTE: the simulated reranker scores word overlap; it is not a trained reranker.');
  }
  lines.push('', 'Modes (hybrid: weighted fusion, dense weight 0.7)', '');
  lines.push(renderComparison(report.comparison).trimEnd());
  if (report.rerankFallbacks.length > 0) {
    lines.push(
      '',
      `Rerank not applied for ${report.rerankFallbacks.length} queries (fused order kept):`,
      ...report.rerankFallbacks.slice(0, 5).map((f) => `  ${f}`),
    );
  }
  lines.push('', 'Hybrid dense-weight sweep (keyword weight 1 − w)', '');
  lines.push(renderComparison(report.sweep.comparison).split('\n\n')[0]);
  lines.push(
    `Best dense weight: ${report.sweep.bestDenseWeight.toFixed(2)} (${report.sweep.recommendation.summary})`,
  );
  const r = report.recommended;
  const mode =
    r.mode === 'hybrid'
      ? `mode=hybrid, fusion weighted, denseWeight=${r.denseWeight?.toFixed(2)}${r.rerank ? ', rerank=model' : ''}`
      : `mode=${r.mode}`;
  lines.push(
    '',
    report.recommendation.summary,
    `Search with: ${mode}.`,
    `LLM calls: ${report.llmCalls.attempts} attempts (${report.llmCalls.failed} failed), cost ${(report.llmCalls.costMicros / 1e6).toFixed(6)} USD.`,
  );
  return `${lines.join('\n')}\n`;
}

/** The JSON written by --json: plain objects (maps as records), the per-query scores included. */
export function reportJson(report: EvalReport): unknown {
  const rows = (comparison: EvalReport['comparison']) =>
    comparison.rows.map((row) => ({
      name: row.name,
      mean: row.evaluation.mean,
      byKind: row.byKind,
      judged: row.evaluation.judged,
      perQuery: row.evaluation.perQuery,
    }));
  return {
    dir: report.dir,
    k: report.k,
    documents: report.documents,
    chunks: report.chunks,
    queries: report.queries,
    catalogue: report.catalogue,
    embedding: report.embedding,
    rerank: report.rerank,
    modes: rows(report.comparison),
    sweep: { bestDenseWeight: report.sweep.bestDenseWeight, runs: rows(report.sweep.comparison) },
    recommendation: {
      best: report.recommendation.best,
      ndcgMargin: report.recommendation.ndcgMargin,
      mrrMargin: report.recommendation.mrrMargin,
      runnerUp: report.recommendation.runnerUp?.name,
      summary: report.recommendation.summary,
      ...report.recommended,
    },
    rerankFallbacks: report.rerankFallbacks,
    llmCalls: report.llmCalls,
  };
}
