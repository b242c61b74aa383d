import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import {
  EMBEDDING_DIMENSIONS,
  startFakeProvider,
  type FakeProviderServer,
} from '../support/fake-providers';
import { storeCollectionIdOf } from '@switchboard/retrieval';
import { startRetrievalHarness, type RetrievalHarness } from '../support/retrieval-kit';
import { fakeModel, fakeProvider } from '../support/router-kit';

// Collections, uploads and ingestion through the real API routes and the worker's processor
// (one Nest app), over real PostgreSQL, Redis and LanceDB and fake OpenAI embedders.
const FIXTURES = join(__dirname, '..', 'fixtures', 'retrieval', 'documents');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));

const embedModel = (provider: string, id: string, tiers: number[], dimensions?: number) =>
  fakeModel(provider, id, tiers, {
    capabilities: ['embeddings'],
    ...(dimensions ? { dimensions } : {}),
  });

async function waitFor<T>(
  what: string,
  read: () => Promise<T>,
  done: (v: T) => boolean,
): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const TERMINAL = ['ready', 'failed', 'cancelled'];

describe('retrieval: collections, uploads and ingestion', () => {
  let h: RetrievalHarness;
  let hosted: FakeProviderServer;
  let local: FakeProviderServer;
  let slow: FakeProviderServer;
  let key: string;
  let tenantId: string;
  let otherKey: string;

  beforeAll(async () => {
    [hosted, local, slow] = await Promise.all([
      startFakeProvider('openai'),
      startFakeProvider('openai'),
      startFakeProvider('openai'),
    ]);
    h = await startRetrievalHarness(
      {
        version: 1,
        providers: [
          fakeProvider('hosted', hosted),
          fakeProvider('local', local, { local: true }),
          fakeProvider('slow', slow),
        ],
        models: [
          embedModel('hosted', 'hosted-embed', [1], EMBEDDING_DIMENSIONS),
          embedModel('local', 'local-embed', [0, 1]),
          embedModel('slow', 'slow-embed', [2], EMBEDDING_DIMENSIONS),
          fakeModel('hosted', 'hosted-chat', [1]),
        ],
      },
      {
        RETRIEVAL_MAX_UPLOAD_BYTES: '60000',
        RETRIEVAL_EMBED_BATCH: '4',
        RETRIEVAL_INGEST_ATTEMPTS: '5',
        RETRIEVAL_INGEST_BACKOFF_MS: '20',
      },
    );
    ({ key, tenantId } = await h.newTenant('docs'));
    otherKey = (await h.newTenant('other')).key;
  });

  afterAll(async () => {
    await h?.close();
    await Promise.all([hosted?.close(), local?.close(), slow?.close()]);
  });

  const api = (k: string | null = key) => {
    const auth = (r: request.Test) => (k ? r.set('Authorization', `Bearer ${k}`) : r);
    return {
      get: (path: string) => auth(request(h.server).get(path)),
      post: (path: string) => auth(request(h.server).post(path)),
      delete: (path: string) => auth(request(h.server).delete(path)),
    };
  };

  async function createCollection(body: Record<string, unknown>): Promise<any> {
    const res = await api().post('/v1/collections').send(body);
    expect(res.status).toBe(201);
    return res.body;
  }

  const doc = (c: string, d: string) => api().get(`/v1/collections/${c}/documents/${d}`);
  const settled = (c: string, d: string) =>
    waitFor(
      `document ${d}`,
      async () => (await doc(c, d)).body,
      (b: any) => TERMINAL.includes(b.status),
    );
  const chunksOf = (collectionId: string, documentId: string) =>
    h.store.inner.count(storeCollectionIdOf(tenantId, collectionId), {
      op: 'eq',
      field: 'document_id',
      value: documentId,
    });

  it('creates a collection: model resolution, validation and problems', async () => {
    const c = await createCollection({
      name: 'handbook',
      embeddingModel: 'hosted/hosted-embed',
      fields: { priority: 'number' },
    });
    expect(c).toMatchObject({
      name: 'handbook',
      embeddingModel: 'hosted/hosted-embed',
      dimensions: EMBEDDING_DIMENSIONS,
      embeddingTier: 1,
      privacy: false,
      store: 'lancedb',
      fields: { priority: 'number' },
    });
    // No `dimensions` in the catalogue: measured with one call to the model.
    const measured = await createCollection({ name: 'measured', embeddingModel: 'local-embed' });
    expect(measured.dimensions).toBe(EMBEDDING_DIMENSIONS);

    const bad = async (body: unknown, field: string) => {
      const res = await api()
        .post('/v1/collections')
        .send(body as object);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: any) => e.field)).toContain(field);
    };
    await bad({ name: 'x1', embeddingModel: 'nope/none' }, 'embeddingModel');
    await bad({ name: 'x2', embeddingModel: 'hosted-chat' }, 'embeddingModel');
    await bad({ name: 'x3', embeddingModel: 'hosted-embed', privacy: true }, 'embeddingModel');
    await bad(
      { name: 'x4', embeddingModel: 'hosted-embed', fields: { tags: 'number' } },
      'fields.tags',
    );
    await bad({ embeddingModel: 'hosted-embed' }, 'name');

    const dup = await api()
      .post('/v1/collections')
      .send({ name: 'handbook', embeddingModel: 'hosted-embed' });
    expect(dup.status).toBe(409);
    const malformed = await api()
      .post('/v1/collections')
      .set('Content-Type', 'application/json')
      .send('{"name": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('malformed-json');
    const anonymous = await api(null).get('/v1/collections');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['content-type']).toMatch(/application\/problem\+json/);

    const list = await api().get('/v1/collections');
    expect(list.body.data.map((x: any) => x.name).sort()).toEqual(['handbook', 'measured']);
  });
});
