import { RecursiveChunker, splitRecursively } from './recursive.chunker';
import { countTokens } from './token-codec';

const paragraph = (topic: string, n: number) =>
  Array.from({ length: n }, (_, i) => `The ${topic} note ${i} is short and plain.`).join(' ');

describe('RecursiveChunker', () => {
  it('keeps paragraphs whole when they fit, and packs them up to the budget', async () => {
    const text = [paragraph('alpha', 3), paragraph('beta', 3), paragraph('gamma', 3)].join('\n\n');
    const per = countTokens(paragraph('alpha', 3));
    const chunks = await new RecursiveChunker({ maxTokens: per * 2 + 4, overlapTokens: 0 }).chunk({
      type: 'text',
      text,
    });
    expect(chunks.map((c) => c.text)).toEqual([
      `${paragraph('alpha', 3)}\n\n${paragraph('beta', 3)}`,
      paragraph('gamma', 3),
    ]);
  });

  it('cuts a long paragraph at sentence ends, then words, within the budget', async () => {
    const text = `${paragraph('delta', 20)}\n\n${'word '.repeat(200).trim()}`;
    const chunks = await new RecursiveChunker({ maxTokens: 40, overlapTokens: 0 }).chunk({
      type: 'text',
      text,
    });
    for (const c of chunks) expect(c.tokenCount).toBeLessThanOrEqual(40);
    // No sentence is cut: each one is whole in some chunk.
    for (let i = 0; i < 20; i++) {
      const sentence = `The delta note ${i} is short and plain.`;
      expect(chunks.some((c) => c.text.includes(sentence))).toBe(true);
    }
    expect(
      chunks
        .map((c) => c.text)
        .join(' ')
        .replace(/\s+/g, ' '),
    ).toBe(text.replace(/\s+/g, ' '));
  });

  it('repeats the last sentences of a chunk at the start of the next, up to overlapTokens', async () => {
    const text = paragraph('epsilon', 30);
    const sentence = countTokens('The epsilon note 10 is short and plain. ');
    const chunks = await new RecursiveChunker({
      maxTokens: 60,
      overlapTokens: sentence + 1,
    }).chunk({ type: 'text', text });
    expect(chunks.length).toBeGreaterThan(3);
    for (let i = 1; i < chunks.length; i++) {
      const firstSentence = /^The epsilon note \d+ is short and plain\./.exec(chunks[i].text)![0];
      expect(chunks[i - 1].text.endsWith(firstSentence)).toBe(true);
      expect(chunks[i].tokenCount).toBeLessThanOrEqual(60);
    }
  });

  it('splits a run with no boundaries by tokens', () => {
    const pieces = splitRecursively('x'.repeat(3000), 100);
    expect(pieces.join('')).toBe('x'.repeat(3000));
    for (const p of pieces) expect(countTokens(p)).toBeLessThanOrEqual(100);
  });
});
