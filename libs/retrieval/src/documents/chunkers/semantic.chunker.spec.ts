import { cosineSimilarity, SemanticChunker } from './semantic.chunker';

/** A deterministic embedder: one dimension per topic, counting the topic's words. */
const TOPICS = [
  ['cat', 'cats', 'kitten', 'purr', 'whiskers'],
  ['rocket', 'rockets', 'orbit', 'launch', 'fuel'],
  ['bread', 'oven', 'flour', 'dough', 'bake'],
];
const calls: number[] = [];
async function fakeEmbed(texts: string[]): Promise<number[][]> {
  calls.push(texts.length);
  return texts.map((t) => {
    const words = t.toLowerCase().match(/[a-z]+/g) ?? [];
    return TOPICS.map((topic) => words.filter((w) => topic.includes(w)).length + 0.01);
  });
}

const CATS = 'My cat likes to purr. The kitten has long whiskers. Cats sleep most of the day.';
const ROCKETS = 'The rocket needs fuel. A launch puts it in orbit. Rockets are loud.';
const BREAD = 'Knead the dough with flour. Bake it in a hot oven.';

describe('SemanticChunker', () => {
  beforeEach(() => (calls.length = 0));

  it('cuts where adjacent sentences stop being similar (threshold 0.7)', async () => {
    const chunker = new SemanticChunker({ maxTokens: 500, threshold: 0.7, embed: fakeEmbed });
    const chunks = await chunker.chunk({ type: 'text', text: `${CATS} ${ROCKETS} ${BREAD}` });
    expect(chunks.map((c) => c.text)).toEqual([CATS, ROCKETS, BREAD]);
    expect(chunks.map((c) => c.index)).toEqual([0, 1, 2]);
  });

  it('keeps everything together when the threshold is below every similarity', async () => {
    const chunker = new SemanticChunker({ maxTokens: 500, threshold: 0, embed: fakeEmbed });
    const chunks = await chunker.chunk({ type: 'text', text: `${CATS} ${ROCKETS}` });
    expect(chunks.map((c) => c.text)).toEqual([`${CATS} ${ROCKETS}`]);
  });

  it('still honours maxTokens inside one topic, cutting between sentences', async () => {
    const text = Array.from({ length: 12 }, (_, i) => `Cat ${i} likes to purr.`).join(' ');
    const chunks = await new SemanticChunker({
      maxTokens: 20,
      threshold: 0.7,
      embed: fakeEmbed,
    }).chunk({ type: 'text', text });
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks) {
      expect(c.tokenCount).toBeLessThanOrEqual(20);
      expect(c.text).toMatch(/^Cat \d+ likes to purr\..*purr\.$/s);
    }
  });

  it('embeds in batches and refuses an embedder that loses texts', async () => {
    const text = `${CATS} ${ROCKETS} ${BREAD}`;
    await new SemanticChunker({
      maxTokens: 500,
      threshold: 0.7,
      embed: fakeEmbed,
      batchSize: 3,
    }).chunk({
      type: 'text',
      text,
    });
    expect(calls).toEqual([3, 3, 2]);
    const lossy = new SemanticChunker({
      maxTokens: 500,
      threshold: 0.7,
      embed: async (texts) => texts.slice(1).map(() => [1]),
    });
    await expect(lossy.chunk({ type: 'text', text })).rejects.toThrow(
      /returned 7 vectors for 8 texts/,
    );
  });

  it('computes cosine similarity', () => {
    expect(cosineSimilarity([1, 0], [1, 0])).toBe(1);
    expect(cosineSimilarity([1, 0], [0, 2])).toBe(0);
    expect(cosineSimilarity([0, 0], [1, 1])).toBe(0);
  });
});
