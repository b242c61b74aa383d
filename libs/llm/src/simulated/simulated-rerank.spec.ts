import { rerankResults, rerankScore } from './simulated-rerank';

describe('simulated rerank', () => {
  it('scores a document with the query words above one without', () => {
    const query = 'budget reservation for streamed calls';
    expect(
      rerankScore(query, 'Each streamed call takes a budget reservation first'),
    ).toBeGreaterThan(rerankScore(query, 'The browser pool runs Chromium'));
  });

  it('orders best first, keeps positions and cuts to topN', () => {
    const results = rerankResults(
      'redis cluster',
      ['postgres', 'a redis cluster node', 'redis'],
      2,
    );
    expect(results.map((r) => r.index)).toEqual([1, 2]);
    expect(results[0].score).toBeGreaterThanOrEqual(results[1].score);
  });

  it('is deterministic', () => {
    expect(rerankScore('a b c', 'b c d')).toBe(rerankScore('a b c', 'b c d'));
  });
});
