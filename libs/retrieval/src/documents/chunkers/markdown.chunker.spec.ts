import { readFileSync } from 'fs';
import { join } from 'path';
import { parseDocument } from '../parse-document';
import { MarkdownChunker } from './markdown.chunker';

const FIXTURES = join(__dirname, '../../../../../tests/fixtures/retrieval/documents');
const guide = () => parseDocument(readFileSync(join(FIXTURES, 'guide.md')));

/** Fence marker lines in a chunk: an even count means no fence is left open. */
const fenceLines = (text: string) => text.split('\n').filter((l) => /^\s*```/.test(l)).length;

describe('MarkdownChunker', () => {
  it('gives each section its heading path and exact line range when it fits', async () => {
    const doc = await guide();
    const chunks = await new MarkdownChunker({ maxTokens: 512, overlapTokens: 0 }).chunk(doc);
    expect(chunks.map((c) => c.metadata.headingPath?.at(-1))).toEqual([
      'Switchboard guide',
      'Installing',
      'Over REST',
      'Over MCP',
      'Budgets',
    ]);
    expect(chunks[2].metadata.headingPath).toEqual([
      'Switchboard guide',
      'Submitting jobs',
      'Over REST',
    ]);
    const lines = doc.text.split('\n');
    for (const c of chunks) {
      expect(lines.slice(c.metadata.startLine! - 1, c.metadata.endLine).join('\n')).toBe(c.text);
    }
    // The "# not a heading" line inside a fence stays in its section.
    expect(chunks[2].text).toContain('# not a heading');
  });

  it('never leaves a code fence open, even when a fence is over budget', async () => {
    const doc = await guide();
    for (const maxTokens of [32, 40, 64, 100]) {
      const chunks = await new MarkdownChunker({ maxTokens, overlapTokens: 8 }).chunk(doc);
      for (const c of chunks) {
        expect(fenceLines(c.text) % 2).toBe(0);
        expect(c.tokenCount).toBeLessThanOrEqual(maxTokens);
      }
      // Every line of code is still somewhere.
      for (const line of ["  method: 'POST',", 'npm run build', 'console.log(await res.json());']) {
        expect(chunks.some((c) => c.text.includes(line))).toBe(true);
      }
    }
  });

  it('keeps a fence that fits in one chunk whole', async () => {
    const fence = '```py\ndef a():\n    return 1\n\n\ndef b():\n    return 2\n```';
    const text = `# Title\n\n${'Intro sentence here. '.repeat(20).trim()}\n\n${fence}\n\nAfter.`;
    const chunks = await new MarkdownChunker({ maxTokens: 60, overlapTokens: 0 }).chunk({
      type: 'markdown',
      text,
    });
    expect(chunks.some((c) => c.text.includes(fence))).toBe(true);
    expect(chunks.every((c) => c.metadata.headingPath?.[0] === 'Title')).toBe(true);
  });

  it('chunks HTML sections (no line numbers) by their headings', async () => {
    const chunks = await new MarkdownChunker({ maxTokens: 200, overlapTokens: 0 }).chunk({
      type: 'html',
      text: 'unused',
      sections: [
        { headingPath: [], text: 'Lead paragraph.' },
        { headingPath: ['Part one'], text: '## Part one\n\nBody one.' },
      ],
    });
    expect(chunks).toEqual([
      { text: 'Lead paragraph.', index: 0, tokenCount: 3, metadata: { headingPath: [] } },
      {
        text: '## Part one\n\nBody one.',
        index: 1,
        tokenCount: expect.any(Number),
        metadata: { headingPath: ['Part one'] },
      },
    ]);
  });
});
