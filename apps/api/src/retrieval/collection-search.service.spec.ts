import type { Principal } from '@switchboard/auth';
import {
  hashedEmbedding,
  type LlmClient,
  type LlmRouting,
  type LlmService,
} from '@switchboard/llm';
import {
  LanceDbStore,
  SearchService,
  type CollectionLookup,
  type CollectionRecord,
} from '@switchboard/retrieval';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProblemException } from '../problems/problem';
import { CollectionSearchService } from './collection-search.service';

// The search endpoint's service over a real LanceDB (temp dir), its LLM client a recording
// stand-in (the router over fake providers is in tests/integration/retrieval-search): the tenant's
// collection only (404 otherwise), 400 naming a bad filter's field, 503 with the store gone,
// and the LLM calls routed for the tenant (request id as the job, private collections local).

jest.setTimeout(60_000);

const DIM = 16;

describe('POST /v1/collections/:id/search (service, problems)', () => {
  let dataDir: string;
  let store: LanceDbStore;
  let searches: CollectionSearchService;
  const routings: LlmRouting[] = [];
  const tenantId = randomUUID();
  const principal = { tenantId, keyId: 'key-1' } as Principal;
  const record = (id: string, extra: Partial<CollectionRecord> = {}): CollectionRecord => ({
    id,
    tenantId,
    name: id,
    description: null,
    embeddingModel: 'x/embed-a',
    dimensions: DIM,
    embeddingTier: 1,
    privacy: false,
    chunking: { strategy: 'recursive' } as CollectionRecord['chunking'],
    store: 'lancedb',
    storeCollectionId: `api_${id}`,
    fields: { team: 'keyword' },
    createdAt: new Date(),
    updatedAt: new Date(),
    ...extra,
  });
  const collections = new Map<string, CollectionRecord>();
  const lookup: CollectionLookup = {
    get: async (tenant, id) => {
      const found = collections.get(id);
      return found && found.tenantId === tenant ? found : null;
    },
  };

  beforeAll(async () => {
    const llm = {
      clientFor: (r: LlmRouting): LlmClient => {
        routings.push(r);
        const usage = { inputTokens: 1, outputTokens: 0, cachedInputTokens: 0, costMicros: 1 };
        return {
          embed: async (request) => ({
            embeddings: request.input.map((t) => hashedEmbedding(t, request.dimensions)),
            usage,
            model: 'embed-a',
            provider: 'x',
          }),
        } as Partial<LlmClient> as LlmClient;
      },
    } as unknown as LlmService;
    dataDir = await mkdtemp(join(tmpdir(), 'sb-search-api-'));
    store = await LanceDbStore.connect({ dataDir });
    for (const c of [
      record('mine'),
      record('private', { privacy: true }),
      record('other', { tenantId: randomUUID() }),
    ]) {
      collections.set(c.id, c);
      await store.createCollection({ id: c.storeCollectionId, dimension: DIM, fields: c.fields });
      await store.upsert(c.storeCollectionId, [
        {
          id: `${c.id}-d#0`,
          documentId: `${c.id}-d`,
          text: 'budget pools refuse calls',
          vector: hashedEmbedding('budget pools refuse calls', DIM),
          metadata: {
            doc_type: 'text',
            source: 's',
            created_at: '2026-01-01T00:00:00Z',
            updated_at: '2026-01-01T00:00:00Z',
            privacy_level: 'internal',
            tags: [],
            team: 'ops',
          },
        },
      ]);
    }
    searches = new CollectionSearchService(lookup, new SearchService(store), llm);
  });

  afterAll(async () => {
    await store?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const problemOf = async (work: Promise<unknown>) => {
    const error = await work.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProblemException);
    const p = error as ProblemException;
    return { status: p.getStatus(), body: p.getResponse() as Record<string, unknown> };
  };
  const run = (id: string, body: unknown, requestId = randomUUID()) =>
    searches.run(principal, id, body, requestId, new AbortController().signal);

  it("searches the tenant's collection, routing the embedding for the tenant under the request id", async () => {
    const requestId = randomUUID();
    routings.length = 0;
    const results = await run('mine', { query: 'budget pools', mode: 'dense', k: 1 }, requestId);
    expect(results.hits.map((h) => h.chunkId)).toEqual(['mine-d#0']);
    expect(routings[0]).toMatchObject({
      tier: 1,
      privacy: false,
      job: { jobId: requestId, tenantId, apiKeyId: 'key-1' },
    });
    const filtered = await run('mine', {
      query: 'budget',
      filter: { op: 'eq', field: 'team', value: 'sales' },
    });
    expect(filtered.hits).toEqual([]);
  });

  it('a private collection routes its calls with privacy', async () => {
    routings.length = 0;
    await run('private', { query: 'budget pools', mode: 'dense' });
    expect(routings[0]).toMatchObject({ privacy: true });
  });

  it("404 for an unknown collection and for another tenant's", async () => {
    for (const id of ['nope', 'other']) {
      expect(await problemOf(run(id, { query: 'q' }))).toMatchObject({
        status: 404,
        body: { code: 'not-found' },
      });
    }
  });

  it('400 naming the field for a filter on an undeclared field or of the wrong type', async () => {
    expect(
      await problemOf(
        run('mine', { query: 'q', filter: { op: 'eq', field: 'colour', value: 'red' } }),
      ),
    ).toMatchObject({
      status: 400,
      body: { code: 'invalid-input', errors: [{ field: 'filter.colour' }] },
    });
    expect(
      await problemOf(run('mine', { query: 'q', filter: { op: 'range', field: 'team', gte: 1 } })),
    ).toMatchObject({ status: 400, body: { errors: [{ field: 'filter.team' }] } });
  });

  it('503 when the store is down', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-search-api-gone-'));
    const gone = await LanceDbStore.connect({ dataDir: dir });
    await gone.createCollection({ id: 'api_mine', dimension: DIM, fields: { team: 'keyword' } });
    await rm(dir, { recursive: true, force: true });
    const llm = { clientFor: () => ({}) } as unknown as LlmService;
    const broken = new CollectionSearchService(lookup, new SearchService(gone), llm);
    try {
      const p = await problemOf(
        broken.run(
          principal,
          'mine',
          { query: 'q', mode: 'keyword' },
          'r',
          new AbortController().signal,
        ),
      );
      expect(p).toMatchObject({ status: 503, body: { code: 'retrieval-store-unavailable' } });
    } finally {
      await gone.close();
    }
  });
});
