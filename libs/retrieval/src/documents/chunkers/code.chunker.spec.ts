import { readFileSync } from 'fs';
import { join } from 'path';
import { parseDocument } from '../parse-document';
import { codeBlocks } from './code-blocks';
import { CodeChunker } from './code.chunker';

const FIXTURES = join(__dirname, '../../../../../tests/fixtures/retrieval/documents');
const load = (name: string) => parseDocument(readFileSync(join(FIXTURES, name)));

describe('CodeChunker', () => {
  it.each(['rate-limiter.ts', 'ingest.py'])(
    'cuts %s into line ranges that are exactly its chunks, within the budget',
    async (name) => {
      const doc = await load(name);
      for (const maxTokens of [40, 80, 200, 2000]) {
        const chunks = await new CodeChunker({ maxTokens }).chunk(doc);
        const lines = doc.text.split('\n');
        let next = 1;
        for (const c of chunks) {
          expect(c.tokenCount).toBeLessThanOrEqual(maxTokens);
          expect(c.metadata.language).toBe(doc.language);
          expect(lines.slice(c.metadata.startLine! - 1, c.metadata.endLine).join('\n')).toBe(
            c.text,
          );
          // In order, and only blank lines between one chunk and the next.
          expect(
            lines.slice(next - 1, c.metadata.startLine! - 1).every((l) => l.trim() === ''),
          ).toBe(true);
          next = c.metadata.endLine! + 1;
        }
      }
    },
  );

  it('starts chunks at top-level declarations, with their doc comments and decorators', async () => {
    const py = await new CodeChunker({ maxTokens: 40 }).chunk(await load('ingest.py'));
    const firstLines = py.map((c) => c.text.split('\n')[0]);
    expect(firstLines).toEqual(
      expect.arrayContaining(['@dataclass', 'class Collection:', 'def main() -> None:']),
    );
    const packed = await new CodeChunker({ maxTokens: 70 }).chunk(await load('ingest.py'));
    expect(packed.find((c) => c.text.includes('class Document:'))!.text).toContain('@dataclass\n');

    const ts = await new CodeChunker({ maxTokens: 60 }).chunk(await load('rate-limiter.ts'));
    const isExempt = ts.find((c) => c.text.includes('export function isExempt'))!;
    expect(isExempt.text.startsWith('// Keys are tenant ids')).toBe(true);
    expect(isExempt.metadata).toMatchObject({ startLine: 45, endLine: 48 });
  });

  it('packs small declarations together when the budget allows', async () => {
    const doc = await load('rate-limiter.ts');
    const chunks = await new CodeChunker({ maxTokens: 4000 }).chunk(doc);
    expect(chunks).toHaveLength(1);
    expect(chunks[0].metadata).toMatchObject({ startLine: 1, endLine: 53, language: 'typescript' });
  });

  it('finds declarations that follow each other without a blank line', () => {
    const text = 'const a = 1;\nconst b = {\n  c: 2,\n};\n// f\nfunction f() {\n  return a;\n}\n';
    expect(codeBlocks(text, 'typescript').map((b) => [b.startLine, b.endLine])).toEqual([
      [1, 1],
      [2, 4],
      [5, 8],
    ]);
    const py = 'import os\n@cache\ndef f(x):\n    return [\n1,\n]\nclass A:\n    pass\n';
    expect(codeBlocks(py, 'python').map((b) => b.text.split('\n')[0])).toEqual([
      'import os',
      '@cache',
      'class A:',
    ]);
  });
});
