import { BUILT_IN_FIELDS } from './collection-schema';
import { querySparseVector } from './bm25-sparse';
import { featuresOf, planQuery } from './qdrant-query';
import { checkSearchRequest } from './search-request';
import type { SearchRequest } from './vector-store';

const check = (request: SearchRequest) => checkSearchRequest(request, BUILT_IN_FIELDS, 3);
const base = { vector: [1, 0, 0], text: 'job budget', k: 5 };

describe('featuresOf', () => {
  it('detects server-side BM25 and parametrised RRF by version', () => {
    expect(featuresOf('1.14.1')).toMatchObject({ serverBm25: false, parametrisedRrf: false });
    expect(featuresOf('1.15.2')).toMatchObject({ serverBm25: true, parametrisedRrf: false });
    expect(featuresOf('1.16.0-dev')).toMatchObject({ serverBm25: true, parametrisedRrf: true });
    expect(featuresOf('2.0.0')).toMatchObject({ serverBm25: true, collectionMetadata: true });
  });
});

describe('planQuery', () => {
  const modern = featuresOf('1.17.0');

  it('dense and keyword searches are one request each, with the filter', () => {
    const filter = { op: 'eq', field: 'source', value: 'wiki' } as const;
    const dense = planQuery(check({ ...base, mode: 'dense', filter }), 'client', modern);
    expect(dense).toEqual({
      kind: 'dense',
      requests: [
        {
          query: [1, 0, 0],
          using: 'dense',
          limit: 5,
          with_payload: true,
          filter: { must: [{ key: 'metadata.source', match: { value: 'wiki' } }] },
        },
      ],
    });
    const keyword = planQuery(check({ ...base, mode: 'keyword' }), 'client', modern);
    expect(keyword.requests[0]).toMatchObject({
      query: querySparseVector('job budget'),
      using: 'bm25',
    });
    const server = planQuery(check({ ...base, mode: 'keyword' }), 'server', modern);
    expect(server.requests[0].query).toEqual({ text: 'job budget', model: 'qdrant/bm25' });
  });

  it('weighted hybrid fetches both candidate lists to fuse client-side', () => {
    const plan = planQuery(check({ ...base, mode: 'hybrid' }), 'client', modern);
    expect(plan.kind).toBe('lists');
    expect(plan.requests.map((r) => [r.using, r.limit])).toEqual([
      ['dense', 50],
      ['bm25', 50],
    ]);
  });

  it('RRF and DBSF fuse natively over prefetches of both vectors', () => {
    const rrf = planQuery(
      check({ ...base, mode: 'hybrid', fusion: { method: 'rrf' } }),
      'client',
      modern,
    );
    expect(rrf.kind).toBe('native');
    expect(rrf.requests[0]).toMatchObject({
      query: { rrf: { k: 60 } },
      limit: 5,
      prefetch: [
        { using: 'dense', limit: 50 },
        { using: 'bm25', limit: 50 },
      ],
    });
    const old = planQuery(
      check({ ...base, mode: 'hybrid', fusion: { method: 'rrf' } }),
      'client',
      featuresOf('1.15.0'),
    );
    expect(old.requests[0].query).toEqual({ fusion: 'rrf' });
    const dbsf = planQuery(
      check({ ...base, mode: 'hybrid', fusion: { method: 'dbsf' } }),
      'server',
      modern,
    );
    expect(dbsf.requests[0].query).toEqual({ fusion: 'dbsf' });
  });
});
