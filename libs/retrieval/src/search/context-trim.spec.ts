import { estimateTokens } from '@switchboard/llm';
import { trimToContext } from './context-trim';

const piece = (chunkId: string, words: number) => ({
  chunkId,
  text: Array.from({ length: words }, (_, i) => `word${i}`).join(' '),
});

describe('trimToContext', () => {
  it('keeps hits best first within the budget, skipping one too large for what is left', () => {
    const pieces = [piece('a', 20), piece('b', 200), piece('c', 10)];
    const a = estimateTokens(pieces[0].text);
    const c = estimateTokens(pieces[2].text);
    const budget = a + c + 10; // room for a and c (and the separator), never for b
    const context = trimToContext(pieces, budget);
    expect(context.chunkIds).toEqual(['a', 'c']);
    expect(context.text).toBe(`${pieces[0].text}\n\n${pieces[2].text}`);
    expect(context.tokens).toBeLessThanOrEqual(budget);
    expect(context.tokens).toBeGreaterThanOrEqual(a + c);
  });

  it('keeps everything under a large budget, and nothing when even the best does not fit', () => {
    const pieces = [piece('a', 5), piece('b', 5)];
    expect(trimToContext(pieces, 10_000).chunkIds).toEqual(['a', 'b']);
    expect(trimToContext(pieces, 1)).toEqual({ text: '', chunkIds: [], tokens: 0 });
  });
});
