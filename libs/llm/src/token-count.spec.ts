import { countTokens } from 'gpt-tokenizer';
import {
  TOKENIZER_PIECE_CHARS,
  estimateMessageTokens,
  estimateMessageTokensUpTo,
  estimateTokens,
  tokenizerPieces,
} from './token-count';

const prose = (words: number) =>
  Array.from({ length: words }, (_, i) => `word${i % 97} and, then`).join(' ');

describe('estimateTokens', () => {
  it('counts short texts with o200k as is', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('Hello, world!')).toBe(countTokens('Hello, world!'));
  });

  it('counts long prose in pieces cut at word starts, to the same total', () => {
    const text = prose(20_000);
    const pieces = tokenizerPieces(text);
    expect(pieces.length).toBeGreaterThan(10);
    expect(pieces.join('')).toBe(text);
    for (const piece of pieces.slice(1)) expect(piece).toMatch(/^ \S/);
    expect(estimateTokens(text)).toBe(countTokens(text));
  });

  it('counts a long run without word breaks in bounded pieces (the whole took 40 s)', () => {
    // 'x' × 2,000 is 250 tokens; a 200,000-character run is 100 such pieces.
    const run = 'x'.repeat(200_000);
    expect(tokenizerPieces(run).every((p) => p.length === TOKENIZER_PIECE_CHARS)).toBe(true);
    expect(estimateTokens(run)).toBe(25_000);
    expect(estimateTokens(' '.repeat(200_000))).toBeGreaterThan(0);
    expect(estimateTokens('漢'.repeat(100_000))).toBe(100_000);
  });

  it('never cuts a surrogate pair', () => {
    const text = `a${'😀'.repeat(50_000)}`;
    const pieces = tokenizerPieces(text);
    expect(pieces.join('')).toBe(text);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(TOKENIZER_PIECE_CHARS);
      expect(/^[\udc00-\udfff]/.test(piece)).toBe(false);
      expect(/[\ud800-\udbff]$/.test(piece)).toBe(false);
    }
  });

  it('adds the chat framing per message', () => {
    const messages = [
      { role: 'system' as const, content: 'be brief' },
      { role: 'user' as const, content: 'hi' },
    ];
    expect(estimateMessageTokens(messages)).toBe(
      3 + 4 + countTokens('be brief') + 4 + countTokens('hi'),
    );
  });
});

describe('estimateMessageTokensUpTo', () => {
  const user = (content: string) => [{ role: 'user' as const, content }];

  it('is the whole count when it fits the limit, tokenized or not', () => {
    const messages = [...user('hello there'), ...user('x'.repeat(10_000))];
    const exact = estimateMessageTokens(messages);
    expect(estimateMessageTokensUpTo(messages, exact)).toBe(exact);
    expect(estimateMessageTokensUpTo(messages, 1_000_000)).toBe(exact);
  });

  it('stops past the limit with a count over it, short of the whole', () => {
    const messages = user('word '.repeat(200_000));
    const exact = estimateMessageTokens(messages);
    const partial = estimateMessageTokensUpTo(messages, 1_000);
    expect(partial).toBeGreaterThan(1_000);
    expect(partial).toBeLessThan(exact);
  });
});
