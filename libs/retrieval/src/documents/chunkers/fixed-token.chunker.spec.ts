import { decode, encode } from 'gpt-tokenizer';
import type { ParsedDocument } from '../document.types';
import { FixedTokenChunker } from './fixed-token.chunker';
import { countTokens } from './token-codec';

const PROSE = Array.from(
  { length: 40 },
  (_, i) => `Sentence number ${i} says that queue ${i % 7} holds jobs for role ${i % 5}.`,
).join(' ');

describe('FixedTokenChunker', () => {
  it('cuts windows of at most maxTokens that overlap by overlapTokens', async () => {
    const chunks = await new FixedTokenChunker({ maxTokens: 50, overlapTokens: 10 }).chunk({
      type: 'text',
      text: PROSE,
    });
    expect(chunks.length).toBeGreaterThan(5);
    chunks.forEach((c, i) => {
      expect(c.index).toBe(i);
      expect(c.tokenCount).toBe(countTokens(c.text));
      expect(c.tokenCount).toBeLessThanOrEqual(50);
      if (i < chunks.length - 1) expect(c.tokenCount).toBeGreaterThanOrEqual(48);
    });
    for (let i = 1; i < chunks.length; i++) {
      const tail = decode(encode(chunks[i - 1].text).slice(-10));
      expect(chunks[i].text.startsWith(tail)).toBe(true);
    }
    // Without the overlaps, the windows are the text.
    const rebuilt = chunks
      .map((c, i) => (i === 0 ? c.text : c.text.slice(decode(encode(c.text).slice(0, 10)).length)))
      .join('');
    expect(rebuilt).toBe(PROSE);
  });

  it('keeps windows within the budget across the tokenizer pieces of a long text', async () => {
    // Long texts are encoded in pieces, and a window can re-tokenize to one more token than
    // its ids (seen once in a 1.2 MB text, at 513 of 512); each window is checked exactly.
    const text = Array.from(
      { length: 600 },
      (_, i) =>
        `Sentence ${i} about queues, workers and budgets in tier ${i % 4}.${i % 8 === 7 ? '\n\n' : ' '}`,
    ).join('');
    for (const maxTokens of [100, 512]) {
      const chunks = await new FixedTokenChunker({ maxTokens, overlapTokens: 16 }).chunk({
        type: 'text',
        text,
      });
      for (const c of chunks) expect(c.tokenCount).toBeLessThanOrEqual(maxTokens);
      expect(chunks.at(-1)!.text.trimEnd().endsWith('tier 3.')).toBe(true);
    }
  });

  it('never ends a window inside a character that spans tokens', async () => {
    const text = '数据检索与向量存储 🚀🚀🚀 '.repeat(30).trim();
    const chunks = await new FixedTokenChunker({ maxTokens: 7, overlapTokens: 0 }).chunk({
      type: 'text',
      text,
    });
    for (const c of chunks) expect(c.text).not.toContain('\uFFFD');
    expect(chunks.map((c) => c.text).join('')).toBe(text);
  });

  it('keeps each PDF page apart, with its page number', async () => {
    const doc: ParsedDocument = {
      type: 'pdf',
      text: 'unused',
      pages: [
        { page: 1, text: PROSE.slice(0, 400) },
        { page: 2, text: 'A short second page.' },
      ],
    };
    const chunks = await new FixedTokenChunker({ maxTokens: 40, overlapTokens: 5 }).chunk(doc);
    expect(chunks.at(-1)).toMatchObject({ text: 'A short second page.', metadata: { page: 2 } });
    expect(chunks.slice(0, -1).every((c) => c.metadata.page === 1)).toBe(true);
  });
});
