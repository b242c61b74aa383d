import { dcgAtK, ndcgAtK, precisionAtK, recallAtK, reciprocalRank, topK } from './ranking-metrics';

// a answers (3), b highly related (2), d partially (1), c judged not relevant (0).
const judgements = new Map([
  ['a', 3],
  ['b', 2],
  ['c', 0],
  ['d', 1],
]);

describe('ranking metrics', () => {
  it('computes graded nDCG with 2^grade − 1 gains and a log2 discount', () => {
    // DCG@4 of [c, a, d, b] = 0/log2(2) + 7/log2(3) + 1/log2(4) + 3/log2(5) = 6.208538
    // IDCG@4 from the labels [3, 2, 1]  = 7/log2(2) + 3/log2(3) + 1/log2(4)  = 9.392789
    expect(dcgAtK(['c', 'a', 'd', 'b'], judgements, 4)).toBeCloseTo(6.208538, 6);
    expect(ndcgAtK(['c', 'a', 'd', 'b'], judgements, 4)).toBeCloseTo(0.66099, 6);
  });

  it('takes the ideal at the same cut-off: nDCG@2 of [c, a] is (7/log2 3) / (7 + 3/log2 3)', () => {
    expect(ndcgAtK(['c', 'a'], judgements, 2)).toBeCloseTo(0.496639, 6);
  });

  it('gives 1 to the ideal ranking and to any order of equal grades', () => {
    expect(ndcgAtK(['a', 'b', 'd'], judgements, 10)).toBe(1);
    const ties = new Map([
      ['x', 2],
      ['y', 2],
    ]);
    expect(ndcgAtK(['y', 'x'], ties, 10)).toBe(1);
  });

  it('counts precision over k even when fewer results came back', () => {
    expect(precisionAtK(['a', 'x', 'd', 'y', 'b'], judgements, 5)).toBe(0.6);
    expect(precisionAtK(['a'], judgements, 5)).toBe(0.2);
    expect(precisionAtK(['c', 'x'], judgements, 5)).toBe(0); // grade 0 is not relevant
  });

  it('computes recall@k over every relevant document, k larger than the list included', () => {
    expect(recallAtK(['a', 'x', 'b'], judgements, 10)).toBeCloseTo(2 / 3, 12);
    expect(recallAtK(['x', 'y', 'a'], judgements, 2)).toBe(0);
  });

  it('takes the reciprocal rank of the first relevant document', () => {
    expect(reciprocalRank(['x', 'c', 'd', 'a'], judgements)).toBeCloseTo(1 / 3, 12);
    expect(reciprocalRank(['a'], judgements)).toBe(1);
    expect(reciprocalRank(['x', 'y'], judgements)).toBe(0);
  });

  it('counts a repeated id once, where it first appears', () => {
    expect(topK(['a', 'a', 'x', 'a', 'b'], 3)).toEqual(['a', 'x', 'b']);
    expect(precisionAtK(['a', 'a', 'x'], judgements, 2)).toBe(0.5);
    expect(ndcgAtK(['a', 'a', 'a'], new Map([['a', 3]]), 3)).toBe(1);
  });

  it('scores 0, never NaN, when nothing is relevant or nothing was returned', () => {
    const none = new Map([['c', 0]]);
    expect(ndcgAtK(['c', 'x'], none, 10)).toBe(0);
    expect(recallAtK(['c'], none, 10)).toBe(0);
    expect(reciprocalRank([], judgements)).toBe(0);
    expect(ndcgAtK([], judgements, 10)).toBe(0);
    expect(precisionAtK([], judgements, 5)).toBe(0);
  });
});
