import { fuseQueryLists } from './multi-query-fusion';

const hits = (...ids: string[]) => ids.map((chunkId) => ({ chunkId, from: ids.join('') }));

describe('fuseQueryLists (RRF over the original query and its rewrites)', () => {
  it('raises a chunk that several phrasings find above one that a single list ranks first', () => {
    const fused = fuseQueryLists(
      [
        { query: 'original', hits: hits('a', 'b', 'c') },
        { query: 'variant 1', hits: hits('b', 'd') },
        { query: 'variant 2', hits: hits('e', 'b') },
      ],
      60,
    );
    expect(fused.map((f) => f.hit.chunkId)).toEqual(['b', 'a', 'e', 'd', 'c']);
    expect(fused[0].fused).toBeCloseTo(1 / 62 + 1 / 61 + 1 / 62, 10);
    expect(fused[1].fused).toBeCloseTo(1 / 61, 10);
  });

  it('counts a duplicate in one list once, keeps the best-ranked hit object, ranks by position in each list', () => {
    const fused = fuseQueryLists([
      {
        query: 'q',
        hits: [
          { chunkId: 'x', n: 1 },
          { chunkId: 'x', n: 2 },
          { chunkId: 'y', n: 3 },
        ],
      },
      {
        query: 'r',
        hits: [
          { chunkId: 'y', n: 4 },
          { chunkId: 'x', n: 5 },
        ],
      },
    ]);
    expect(fused.map((f) => [f.hit.chunkId, f.hit.n])).toEqual([
      ['x', 1],
      ['y', 4],
    ]);
    expect(fused[0].fused).toBeCloseTo(1 / 61 + 1 / 62, 12);
    expect(fused[1].fused).toBeCloseTo(1 / 63 + 1 / 61, 12);
  });

  it('with one list keeps its order', () => {
    expect(
      fuseQueryLists([{ query: 'q', hits: hits('c', 'a', 'b') }]).map((f) => f.hit.chunkId),
    ).toEqual(['c', 'a', 'b']);
  });
});
