import {
  distributionNormalise,
  fuseRankedLists,
  minMaxNormalise,
  type RankedItem,
} from './hybrid-fusion';
import { InvalidStoreRequestError } from './store-errors';

const list = (...pairs: [string, number][]): RankedItem<string>[] =>
  pairs.map(([id, score]) => ({ id, score, item: `item-${id}` }));

describe('fuseRankedLists', () => {
  const dense = list(['a', 0.9], ['b', 0.5], ['c', 0.1]);
  const keyword = list(['c', 12], ['d', 6], ['a', 2]);

  it('weighted: min-max normalises each list, then weighs 70:30 by default', () => {
    const fused = fuseRankedLists(dense, keyword);
    const byId = Object.fromEntries(fused.map((f) => [f.id, f.scores.fused]));
    // dense: a=1, b=0.5, c=0; keyword: c=1, d=0.4, a=0
    expect(byId.a).toBeCloseTo(0.7, 10);
    expect(byId.b).toBeCloseTo(0.35, 10);
    expect(byId.c).toBeCloseTo(0.3, 10);
    expect(byId.d).toBeCloseTo(0.12, 10);
    expect(fused.map((f) => f.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(fused[0]).toMatchObject({ item: 'item-a', scores: { dense: 0.9, keyword: 2 } });
    expect(fused.find((f) => f.id === 'b')?.scores.keyword).toBeUndefined();
  });

  it('weighted: the dense weight moves the ranking, and must lie in 0..1', () => {
    const keywordHeavy = fuseRankedLists(dense, keyword, { method: 'weighted', denseWeight: 0.2 });
    expect(keywordHeavy[0].id).toBe('c');
    expect(() => fuseRankedLists(dense, keyword, { method: 'weighted', denseWeight: 1.5 })).toThrow(
      InvalidStoreRequestError,
    );
  });

  it('rrf: sums 1 / (k + rank) over the lists', () => {
    const fused = fuseRankedLists(dense, keyword, { method: 'rrf' });
    const byId = Object.fromEntries(fused.map((f) => [f.id, f.scores.fused]));
    expect(byId.a).toBeCloseTo(1 / 61 + 1 / 63, 12);
    expect(byId.c).toBeCloseTo(1 / 63 + 1 / 61, 12);
    expect(byId.b).toBeCloseTo(1 / 62, 12);
    expect(byId.d).toBeCloseTo(1 / 62, 12);
    // a and c tie; ties break by id so the order is stable.
    expect(fused.map((f) => f.id)).toEqual(['a', 'c', 'b', 'd']);
    const smallK = fuseRankedLists(dense, keyword, { method: 'rrf', k: 1 });
    expect(smallK.find((f) => f.id === 'b')?.scores.fused).toBeCloseTo(1 / 3, 12);
  });

  it('dbsf: normalises by mean ± 3 sigma and sums', () => {
    const fused = fuseRankedLists(dense, keyword, { method: 'dbsf' });
    const expected = (scores: number[], i: number) => distributionNormalise(scores)[i];
    const a = fused.find((f) => f.id === 'a')!;
    expect(a.scores.fused).toBeCloseTo(expected([0.9, 0.5, 0.1], 0) + expected([12, 6, 2], 2), 12);
  });

  it('handles empty lists and one-sided input', () => {
    expect(fuseRankedLists([], [])).toEqual([]);
    const onlyKeyword = fuseRankedLists([], keyword);
    expect(onlyKeyword.map((f) => f.id)).toEqual(['c', 'd', 'a']);
    expect(onlyKeyword[0].scores.keyword).toBe(12);
    expect(onlyKeyword[0].scores.fused).toBeCloseTo(0.3, 12);
    expect(onlyKeyword[0].scores.dense).toBeUndefined();
  });

  it('counts an id repeated within one list once', () => {
    const fused = fuseRankedLists(list(['a', 1], ['a', 0.5]), [], { method: 'rrf' });
    expect(fused).toHaveLength(1);
    expect(fused[0].scores.fused).toBeCloseTo(1 / 61, 12);
  });
});

describe('normalisers', () => {
  it('min-max maps to 0..1, equal scores to 1', () => {
    expect(minMaxNormalise([2, 4, 3])).toEqual([0, 1, 0.5]);
    expect(minMaxNormalise([5, 5])).toEqual([1, 1]);
    expect(minMaxNormalise([])).toEqual([]);
  });

  it('distribution normalisation centres the mean at 0.5 and clamps', () => {
    const out = distributionNormalise([1, 2, 3]);
    expect(out[1]).toBeCloseTo(0.5, 12);
    expect(out.every((x) => x >= 0 && x <= 1)).toBe(true);
    expect(distributionNormalise([7, 7])).toEqual([0.5, 0.5]);
  });
});
