import { compareRuns, renderComparison } from './compare-runs';
import type { LabelledQuery } from './labelled-set.schema';
import { recommend } from './recommend';
import { sweepDenseWeight } from './weight-sweep';

const queries: LabelledQuery[] = [
  {
    id: 'q1',
    text: 'one',
    kind: 'identifier',
    relevant: new Map([
      ['a', 3],
      ['b', 1],
    ]),
  },
  { id: 'q2', text: 'two', kind: 'paraphrase', relevant: new Map([['c', 3]]) },
];
const good = new Map([
  ['q1', ['a', 'b']],
  ['q2', ['c']],
]);
const worse = new Map([
  ['q1', ['b', 'a']],
  ['q2', ['x', 'c']],
]);

describe('compareRuns and recommend', () => {
  it('puts the runs side by side with per-kind means', () => {
    const comparison = compareRuns(queries, [
      { name: 'dense', ranked: worse },
      { name: 'hybrid', ranked: good },
    ]);
    expect(comparison.kinds).toEqual(['identifier', 'paraphrase']);
    expect(comparison.rows[1].evaluation.mean.ndcg10).toBe(1);
    expect(comparison.rows[0].byKind.paraphrase.mrr).toBe(0.5);
    const text = renderComparison(comparison);
    const table = text.split('\n').slice(0, 4);
    expect(table[0]).toMatch(/^run\s+nDCG@10\s+P@5\s+R@10\s+MRR$/);
    expect(table[3]).toMatch(/^hybrid\s+1\.000\s+0\.300\s+1\.000\s+1\.000$/);
    expect(new Set([table[0].length, table[2].length, table[3].length]).size).toBe(1);
    expect(text).toContain('2 judged queries of 2.');
  });

  it('recommends the best nDCG@10 and says by how much', () => {
    const rec = recommend(
      compareRuns(queries, [
        { name: 'dense', ranked: worse },
        { name: 'hybrid', ranked: good },
      ]),
    );
    expect(rec.best).toBe('hybrid');
    expect(rec.runnerUp?.name).toBe('dense');
    expect(rec.ndcgMargin).toBeCloseTo(1 - rec.runnerUp!.metrics.ndcg10, 12);
    expect(rec.summary).toMatch(
      /^Recommended: hybrid \(nDCG@10 1\.000, MRR 1\.000\); 0\.\d{3} \(\d+\.\d%\) nDCG@10 ahead of dense/,
    );
  });

  it('breaks an nDCG@10 tie by MRR, then by the order given', () => {
    const tied: LabelledQuery[] = [
      { id: 'q', text: 't', relevant: new Map([['a', 1]]) },
      { id: 'r', text: 'u', relevant: new Map([['b', 1]]) },
    ];
    const misses = ['x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8', 'x9', 'x10'];
    // Both find a at rank 1 and miss b in the top 10 (nDCG@10 0.5 each); only `late` has b at 11.
    const early = new Map([
      ['q', ['a']],
      ['r', misses],
    ]);
    const late = new Map([
      ['q', ['a']],
      ['r', [...misses, 'b']],
    ]);
    const byMrr = recommend(
      compareRuns(tied, [
        { name: 'early', ranked: early },
        { name: 'late', ranked: late },
      ]),
    );
    expect(byMrr.best).toBe('late');
    expect(byMrr.decidedByMrr).toBe(true);
    expect(byMrr.ndcgMargin).toBe(0);
    expect(byMrr.mrrMargin).toBeCloseTo(1 / 11 / 2, 12);
    expect(byMrr.summary).toMatch(/ties early on nDCG@10 and leads on MRR by 0\.045\.$/);
    const same = recommend(
      compareRuns(tied, [
        { name: 'one', ranked: late },
        { name: 'two', ranked: late },
      ]),
    );
    expect([same.best, same.decidedByMrr]).toEqual(['one', false]);
    expect(same.summary).toMatch(/ties two on nDCG@10 and MRR, and was listed first\.$/);
  });

  it('refuses duplicate run names and an empty comparison', () => {
    expect(() =>
      compareRuns(queries, [
        { name: 'x', ranked: good },
        { name: 'x', ranked: worse },
      ]),
    ).toThrow(/two runs/);
    expect(() => recommend(compareRuns(queries, []))).toThrow(/no runs/);
  });
});

describe('sweepDenseWeight', () => {
  it('runs each weight in turn and reports the best', async () => {
    const tried: number[] = [];
    const sweep = await sweepDenseWeight(queries, async (w) => {
      tried.push(w);
      return Math.abs(w - 0.6) < 1e-9 ? good : worse;
    });
    expect(tried).toEqual([0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
    expect(sweep.bestDenseWeight).toBe(0.6);
    expect(sweep.recommendation.best).toBe('hybrid w=0.60');
    expect(sweep.comparison.rows).toHaveLength(7);
  });

  it('rejects a weight outside 0..1', async () => {
    await expect(sweepDenseWeight(queries, () => good, [0.5, 1.2])).rejects.toThrow(
      /1\.2 is not within/,
    );
  });
});
