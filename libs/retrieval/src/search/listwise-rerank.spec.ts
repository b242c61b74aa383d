import { listwisePrompt, parseListwiseRanking } from './listwise-rerank';
import { parseRewrites } from './query-rewrite';

describe('listwise rerank answers', () => {
  it('reads the order, drops unknown and repeated ids, appends the ones left out', () => {
    expect(parseListwiseRanking('{"ranking":["p3","p1","p9","p3"]}', 4)).toEqual([2, 0, 1, 3]);
    expect(parseListwiseRanking('```json\n{"ranking":["[p2]", 1]}\n```', 2)).toEqual([1, 0]);
  });

  it('is null for an unusable answer (the caller keeps the fused order)', () => {
    expect(parseListwiseRanking('p2 is the best, then p1', 3)).toBeNull();
    expect(parseListwiseRanking('{"order":["p1"]}', 3)).toBeNull();
    expect(parseListwiseRanking('{"ranking":["p7","zz"]}', 3)).toBeNull();
    expect(parseListwiseRanking('null', 3)).toBeNull();
  });

  it('labels the passages p1..pn in the prompt', () => {
    const prompt = listwisePrompt('q?', [
      { chunkId: 'd#0', text: 'first\npassage' },
      { chunkId: 'd#1', text: 'second' },
    ]);
    expect(prompt).toContain('[p1] first passage');
    expect(prompt).toContain('[p2] second');
  });
});

describe('query rewrites', () => {
  it('keeps distinct non-empty variants other than the original, at most the count', () => {
    const answer = JSON.stringify({
      queries: ['Budget  POOLS', 'pool limits', ' ', 'pool limits', 7, 'x', 'y'],
    });
    expect(parseRewrites(answer, 'budget pools', 2)).toEqual(['pool limits', 'x']);
  });

  it('gives none for an unusable answer', () => {
    expect(parseRewrites('not json', 'q', 3)).toEqual([]);
    expect(parseRewrites('{"queries":"a"}', 'q', 3)).toEqual([]);
  });
});
