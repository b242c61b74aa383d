import { cosine, hashedEmbedding } from './hashed-embedding';

describe('hashedEmbedding', () => {
  it('is deterministic, of the asked size, unit length, in multiples of 1/256', () => {
    const v = hashedEmbedding('Redis streams keep job events', 32);
    expect(hashedEmbedding('Redis streams keep job events', 32)).toEqual(v);
    expect(v).toHaveLength(32);
    expect(Math.hypot(...v)).toBeCloseTo(1, 1);
    for (const x of v) expect(Number.isInteger(x * 256)).toBe(true);
  });

  it('puts texts that share words closer than texts that do not', () => {
    const query = hashedEmbedding('how are budgets reserved for streamed calls');
    const related = hashedEmbedding('Budgets reserve tokens before a streamed call starts');
    const unrelated = hashedEmbedding('the browser agent clicks buttons in Chromium');
    expect(cosine(query, related)).toBeGreaterThan(cosine(query, unrelated));
  });

  it('gives a non-zero vector to text without words', () => {
    expect(hashedEmbedding('!!!', 8).some((x) => x !== 0)).toBe(true);
  });
});
