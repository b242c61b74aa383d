import { evaluateRun, meanMetrics } from './evaluate-run';
import type { LabelledQuery } from './labelled-set.schema';

const queries: LabelledQuery[] = [
  { id: 'q1', text: 'one', kind: 'keyword', relevant: new Map([['a', 3]]) },
  { id: 'q2', text: 'two', kind: 'paraphrase', relevant: new Map([['b', 1]]) },
  { id: 'q3', text: 'three', relevant: new Map([['c', 0]]) },
];

describe('evaluateRun', () => {
  it('scores each judged query and averages them', () => {
    const run = new Map([
      ['q1', ['a']],
      ['q2', ['x', 'b']],
    ]);
    const result = evaluateRun(queries, run);
    expect(result.perQuery.map((r) => [r.queryId, r.kind, r.mrr])).toEqual([
      ['q1', 'keyword', 1],
      ['q2', 'paraphrase', 0.5],
    ]);
    expect(result.mean.mrr).toBe(0.75);
    expect(result.mean.precision5).toBeCloseTo((0.2 + 0.2) / 2, 12);
    expect(result.mean.recall10).toBe(1);
    expect(result.mean.ndcg10).toBeCloseTo((1 + 1 / Math.log2(3)) / 2, 12);
  });

  it('leaves queries with no relevant document out of the means and names them', () => {
    const result = evaluateRun(queries, new Map([['q3', ['c']]]));
    expect(result.judged).toBe(2);
    expect(result.unjudged).toEqual(['q3']);
  });

  it('scores a judged query the run did not answer as 0 and names it', () => {
    const result = evaluateRun(queries, new Map([['q1', ['a']]]));
    expect(result.missing).toEqual(['q2']);
    expect(result.mean.ndcg10).toBe(0.5);
  });

  it('averages nothing to 0', () => {
    expect(meanMetrics([])).toEqual({ ndcg10: 0, precision5: 0, recall10: 0, mrr: 0 });
  });
});
