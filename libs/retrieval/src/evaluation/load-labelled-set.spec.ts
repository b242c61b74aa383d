import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabelledSetError } from './labelled-set-error';
import { loadLabelledSet, parseDocuments, parseQueries } from './load-labelled-set';

const docs = [
  { id: 'd1', text: 'one', metadata: { source: 'guides/a.md' } },
  { id: 'd2', text: 'two', metadata: { source: 'guides/a.md' } },
  { id: 'd3', text: 'three', metadata: { source: 'guides/b.md' } },
];
const lines = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n');

describe('loadLabelledSet', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'labelled-set-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads documents and queries, judgements by id and by source', () => {
    writeFileSync(join(dir, 'documents.jsonl'), `${lines(docs)}\n`);
    writeFileSync(
      join(dir, 'queries.jsonl'),
      lines([
        { id: 'q1', text: 'a', kind: 'keyword', relevant: { d3: 3 } },
        { id: 'q2', text: 'b', relevantBySource: { 'guides/a.md': 2 } },
      ]),
    );
    const set = loadLabelledSet(dir);
    expect(set.documents.map((d) => d.id)).toEqual(['d1', 'd2', 'd3']);
    expect(set.queries[0]).toEqual({
      id: 'q1',
      text: 'a',
      kind: 'keyword',
      relevant: new Map([['d3', 3]]),
    });
    expect([...set.queries[1].relevant]).toEqual([
      ['d1', 2],
      ['d2', 2],
    ]);
  });

  it('accepts queries alone when they judge by document id (a user collection)', () => {
    writeFileSync(join(dir, 'mine.jsonl'), lines([{ id: 'q1', text: 'a', relevant: { x: 1 } }]));
    const set = loadLabelledSet(dir, { queries: join(dir, 'mine.jsonl') });
    expect(set.documents).toEqual([]);
    expect(set.queries[0].relevant.get('x')).toBe(1);
  });

  it('names a missing queries file', () => {
    expect(() => loadLabelledSet(dir)).toThrow(/queries\.jsonl: not found/);
  });
});

describe('labelled-set validation names the line', () => {
  const error = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      return e as LabelledSetError;
    }
    throw new Error('expected a LabelledSetError');
  };

  it('rejects invalid JSON', () => {
    const e = error(() => parseDocuments(`${JSON.stringify(docs[0])}\n{"id": "d2",`));
    expect(e).toBeInstanceOf(LabelledSetError);
    expect(e.line).toBe(2);
    expect(e.message).toMatch(/^documents\.jsonl line 2: invalid JSON/);
  });

  it('rejects a grade outside 0..3 and names the field', () => {
    const content = lines([
      { id: 'q1', text: 'a', relevant: { d1: 3 } },
      {},
      { id: 'q2', text: 'b', relevant: { d1: 4 } },
    ]).replace('{}', '');
    expect(error(() => parseQueries(content)).message).toMatch(
      /^queries\.jsonl line 3: relevant\.d1: /,
    );
  });

  it('rejects a document without text, duplicate ids and an empty file', () => {
    expect(error(() => parseDocuments(lines([{ id: 'd1' }]))).message).toMatch(/line 1: text:/);
    const dup = lines([docs[0], docs[1], docs[0]]);
    expect(error(() => parseDocuments(dup)).message).toBe(
      'documents.jsonl line 3: duplicate id "d1" (first on line 1)',
    );
    expect(error(() => parseDocuments('\n\n')).message).toBe('documents.jsonl: has no entries');
  });

  it('rejects unknown documents and sources, and queries judged both ways or not at all', () => {
    const known = parseDocuments(lines(docs));
    const unknownId = lines([{ id: 'q1', text: 'a', relevant: { d9: 1 } }]);
    expect(error(() => parseQueries(unknownId, 'q.jsonl', known)).message).toBe(
      'q.jsonl line 1: unknown document "d9"',
    );
    const unknownSource = lines([{ id: 'q1', text: 'a', relevantBySource: { 'x.md': 1 } }]);
    expect(error(() => parseQueries(unknownSource, 'q.jsonl', known)).message).toBe(
      'q.jsonl line 1: no document has source "x.md"',
    );
    const both = lines([
      { id: 'q1', text: 'a', relevant: { d1: 1 }, relevantBySource: { 'guides/b.md': 1 } },
    ]);
    expect(error(() => parseQueries(both, 'q.jsonl', known)).message).toMatch(
      /line 1: give exactly one/,
    );
    const neither = lines([{ id: 'q1', text: 'a' }]);
    expect(error(() => parseQueries(neither)).message).toMatch(/line 1: give exactly one/);
    const empty = lines([{ id: 'q1', text: 'a', relevant: {} }]);
    expect(error(() => parseQueries(empty)).message).toMatch(
      /line 1: relevant: must name at least one/,
    );
  });

  it('needs documents to resolve judgements by source', () => {
    const bySource = lines([{ id: 'q1', text: 'a', relevantBySource: { 'guides/a.md': 1 } }]);
    expect(error(() => parseQueries(bySource)).message).toBe(
      'queries.jsonl line 1: relevantBySource needs a documents file',
    );
  });
});
