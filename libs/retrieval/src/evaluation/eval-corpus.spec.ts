import { join } from 'node:path';
import { evaluateRun } from './evaluate-run';
import { loadLabelledSet } from './load-labelled-set';

// The shipped corpus (built by scripts/eval/build-corpus.ts; that spec checks it is
// reproduced byte for byte). Here: it loads, and it is big and varied enough to be useful.
const CORPUS_DIR = join(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'tests',
  'fixtures',
  'retrieval',
  'eval',
);

describe('the shipped evaluation corpus', () => {
  const set = loadLabelledSet(CORPUS_DIR); // validates every line and every judged id

  it('has at least 300 documents of 80 to 400 words with full metadata', () => {
    expect(set.documents.length).toBeGreaterThanOrEqual(300);
    for (const doc of set.documents) {
      const words = doc.text.split(/\s+/).filter(Boolean).length;
      expect([doc.id, words >= 80 && words <= 400]).toEqual([doc.id, true]);
      expect(doc.title).toEqual(expect.any(String));
      expect(doc.metadata).toEqual({
        doc_type: expect.any(String),
        source: expect.any(String),
        created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        tags: expect.any(Array),
      });
    }
    expect(new Set(set.documents.map((d) => d.metadata?.source)).size).toBe(set.documents.length);
  });

  it('has at least 60 queries of every kind, each with a grade-3 document and several judged', () => {
    expect(set.queries.length).toBeGreaterThanOrEqual(60);
    const kinds = new Set(set.queries.map((q) => q.kind));
    expect([...kinds].sort()).toEqual(['identifier', 'keyword', 'multi-hop', 'paraphrase']);
    for (const q of set.queries) {
      const grades = [...q.relevant.values()];
      expect([q.id, grades.includes(3), grades.length >= 2]).toEqual([q.id, true, true]);
    }
  });

  it('scores a perfect run (the labels, best first) at 1 and an empty run at 0', () => {
    const ideal = new Map(
      set.queries.map((q) => [q.id, [...q.relevant].sort((a, b) => b[1] - a[1]).map(([id]) => id)]),
    );
    const perfect = evaluateRun(set.queries, ideal);
    expect(perfect.mean.ndcg10).toBeCloseTo(1, 12);
    expect(perfect.mean.mrr).toBe(1);
    expect(evaluateRun(set.queries, new Map()).mean.ndcg10).toBe(0);
  });
});
