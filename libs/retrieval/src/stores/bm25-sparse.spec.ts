import { bm25Tokens, documentSparseVector, querySparseVector, termId } from './bm25-sparse';

describe('client-side BM25 sparse vectors', () => {
  it('tokenizes: lower case, accents folded, stop words out, any script', () => {
    expect(bm25Tokens('The Café in Zürich, déjà-vu!')).toEqual(['cafe', 'zurich', 'deja', 'vu']);
    expect(bm25Tokens('東京 の ラーメン')).toEqual(['東京', 'の', 'ラーメン']);
    expect(bm25Tokens('  ,;  ')).toEqual([]);
  });

  it('hashes terms to stable unsigned 32-bit ids', () => {
    expect(termId('budget')).toBe(termId('budget'));
    expect(termId('budget')).not.toBe(termId('budgets'));
    for (const token of ['a', 'budget', 'ラーメン']) {
      expect(Number.isInteger(termId(token)) && termId(token) >= 0 && termId(token) < 2 ** 32).toBe(
        true,
      );
    }
  });

  it('weighs document terms by saturated term frequency, queries by presence', () => {
    const doc = documentSparseVector('budget alerts budget budget');
    const budget = doc.values[doc.indices.indexOf(termId('budget'))];
    const alerts = doc.values[doc.indices.indexOf(termId('alerts'))];
    expect(budget).toBeGreaterThan(alerts);
    expect(budget).toBeLessThan(2.2); // k1 + 1 bounds the saturation
    expect(doc.indices).toEqual([...doc.indices].sort((a, b) => a - b));
    expect(querySparseVector('budget Budget alerts')).toEqual({
      indices: [termId('alerts'), termId('budget')].sort((a, b) => a - b),
      values: [1, 1],
    });
  });

  it('favours shorter documents for the same term frequency', () => {
    const weightOfBudget = (text: string) => {
      const vector = documentSparseVector(text);
      return vector.values[vector.indices.indexOf(termId('budget'))];
    };
    expect(weightOfBudget('budget')).toBeGreaterThan(
      weightOfBudget(`budget ${'word '.repeat(500)}`),
    );
  });
});
