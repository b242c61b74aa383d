import { ProblemException } from '../problems/problem';
import { parseCollectionSearch } from './collection-search.request';

const problem = (body: unknown) => {
  try {
    parseCollectionSearch(body);
  } catch (error) {
    if (!(error instanceof ProblemException)) throw error;
    return { status: error.getStatus(), body: error.getResponse() as { errors: object[] } };
  }
  throw new Error('parsed');
};

describe('POST /v1/collections/:id/search body', () => {
  it('defaults to a hybrid search of 10 and maps query to text', () => {
    expect(parseCollectionSearch({ query: ' budgets ' })).toEqual({
      text: 'budgets',
      mode: 'hybrid',
      k: 10,
    });
    const full = parseCollectionSearch({
      query: 'q',
      mode: 'hybrid',
      k: 5,
      filter: { op: 'and', filters: [{ op: 'eq', field: 'doc_type', value: 'pdf' }] },
      fusion: { method: 'rrf', k: 30 },
      rerank: { method: 'llm', tier: 2 },
      rewrite: { queries: 3 },
      contextTokens: 500,
    });
    expect(full).toMatchObject({
      text: 'q',
      k: 5,
      fusion: { method: 'rrf', k: 30 },
      rerank: { method: 'llm', tier: 2 },
    });
  });

  it('answers 400 naming the field: unknown fields, wrong types, bad filters', () => {
    expect(problem({ query: 'q', colour: 1 })).toMatchObject({
      status: 400,
      body: { code: 'invalid-input', errors: [{ field: 'colour', message: 'unknown field' }] },
    });
    expect(problem({ query: 'q', k: 'ten' }).body.errors).toEqual([
      expect.objectContaining({ field: 'k' }),
    ]);
    expect(problem({ query: 'q', k: 51 }).body.errors).toEqual([
      expect.objectContaining({ field: 'k' }),
    ]);
    expect(
      problem({ query: 'q', filter: { op: 'eq', field: 'x', value: { a: 1 } } }).body.errors,
    ).toEqual([expect.objectContaining({ field: 'filter.value' })]);
    expect(problem({ query: 'q', mode: 'dense', fusion: { method: 'rrf' } }).body.errors).toEqual([
      expect.objectContaining({ field: 'fusion' }),
    ]);
    expect(problem({}).body.errors).toEqual([expect.objectContaining({ field: 'query' })]);
  });
});
