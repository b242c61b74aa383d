import { readFileSync } from 'fs';
import { join } from 'path';
import { DocumentParseError } from '../document-parse-error';
import { parseDocument } from '../parse-document';
import { JsonChunker } from './json.chunker';

const FIXTURES = join(__dirname, '../../../../../tests/fixtures/retrieval/documents');

/** The value at a path like `$.models[2]["odd key"]`, or a slice `$.models[1:3]`. */
function at(root: unknown, path: string): unknown {
  let value = root;
  const steps =
    path.slice(1).match(/\.[A-Za-z_$][\w$]*|\[\d+:\d+\]|\[\d+\]|\["(?:[^"\\]|\\.)*"\]/g) ?? [];
  for (const step of steps) {
    if (step.startsWith('.')) value = (value as Record<string, unknown>)[step.slice(1)];
    else if (step.includes(':')) {
      const [from, to] = step.slice(1, -1).split(':').map(Number);
      value = (value as unknown[]).slice(from, to);
    } else if (step.startsWith('["'))
      value = (value as Record<string, unknown>)[JSON.parse(step.slice(1, -1)) as string];
    else value = (value as unknown[])[Number(step.slice(1, -1))];
  }
  return value;
}

describe('JsonChunker', () => {
  it('cuts the fixture along its paths: each chunk is valid JSON found at its path', async () => {
    const doc = await parseDocument(readFileSync(join(FIXTURES, 'catalogue.json')));
    for (const maxTokens of [40, 64, 120, 4000]) {
      const chunks = await new JsonChunker({ maxTokens }).chunk(doc);
      for (const c of chunks) {
        expect(c.tokenCount).toBeLessThanOrEqual(maxTokens);
        const value = JSON.parse(c.text) as unknown;
        const there = at(doc.json, c.metadata.jsonPath!);
        if (Array.isArray(value)) expect(value).toEqual(there);
        else expect(there).toMatchObject(value as object);
      }
      // Every model id lands in some chunk.
      for (const id of ['gpt-4o-mini', 'claude-sonnet', 'text-embedding-3-small']) {
        expect(chunks.some((c) => c.text.includes(`"${id}"`))).toBe(true);
      }
    }
    const whole = await new JsonChunker({ maxTokens: 4000 }).chunk(doc);
    expect(whole).toHaveLength(1);
    expect(whole[0].metadata.jsonPath).toBe('$');
  });

  it('groups array items into slices and walks into members too large alone', async () => {
    const value = {
      items: Array.from({ length: 30 }, (_, i) => ({ id: i, name: `item ${i}` })),
      'odd key': { deep: { list: ['a', 'b'], note: 'x'.repeat(10) } },
    };
    const chunks = await new JsonChunker({ maxTokens: 48 }).chunk({
      type: 'json',
      text: JSON.stringify(value),
      json: value,
    });
    const slices = chunks.filter((c) => c.metadata.jsonPath!.startsWith('$.items['));
    expect(slices.length).toBeGreaterThan(1);
    const ids = slices.flatMap((c) => (JSON.parse(c.text) as { id: number }[]).map((x) => x.id));
    expect(ids).toEqual(value.items.map((x) => x.id));
    for (const c of slices) expect(JSON.parse(c.text)).toEqual(at(value, c.metadata.jsonPath!));
    expect(chunks.at(-1)!.metadata.jsonPath).toBe('$');
    expect(JSON.parse(chunks.at(-1)!.text)).toEqual({ 'odd key': value['odd key'] });
  });

  it('writes a string too large alone as `path: text` lines', async () => {
    const value = { title: 'Doc', body: 'The quick brown fox jumps. '.repeat(40).trim() };
    const chunks = await new JsonChunker({ maxTokens: 50 }).chunk({
      type: 'json',
      text: JSON.stringify(value),
      json: value,
    });
    const body = chunks.filter((c) => c.metadata.jsonPath === '$.body');
    expect(body.length).toBeGreaterThan(2);
    for (const c of body) {
      expect(c.text.startsWith('$.body: ')).toBe(true);
      expect(c.tokenCount).toBeLessThanOrEqual(50);
    }
    expect(body.map((c) => c.text.slice('$.body: '.length)).join('')).toBe(value.body);
    expect(JSON.parse(chunks[0].text)).toEqual({ title: 'Doc' });
  });

  it('parses the text of a document without a value, and refuses one that is not JSON', async () => {
    const chunks = await new JsonChunker({ maxTokens: 100 }).chunk({ type: 'text', text: '[1,2]' });
    expect(chunks).toEqual([
      { text: '[1,2]', index: 0, tokenCount: 5, metadata: { jsonPath: '$' } },
    ]);
    await expect(
      new JsonChunker({ maxTokens: 100 }).chunk({ type: 'text', text: 'nope' }),
    ).rejects.toBeInstanceOf(DocumentParseError);
  });
});
