import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import {
  EMBEDDING_DIMENSIONS,
  startFakeProvider,
  type FakeProviderServer,
} from '../support/fake-providers';
import { getQueueToken } from '@nestjs/bullmq';
import { RETRIEVAL_INGEST_QUEUE, storeCollectionIdOf } from '@switchboard/retrieval';
import type { Queue } from 'bullmq';
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

interface DocBody {
  id: string;
  status: string;
  chunkCount: number;
  error: string | null;
  docType: string;
  metadata: Record<string, unknown>;
}

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
      async () => (await doc(c, d)).body as DocBody,
      (b) => TERMINAL.includes(b.status),
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
      expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
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
    expect((list.body.data as { name: string }[]).map((x) => x.name).sort()).toEqual([
      'handbook',
      'measured',
    ]);
  });

  it('ingests each format from one multipart upload; a corrupt file fails and the rest go on', async () => {
    const c = await createCollection({
      name: 'formats',
      embeddingModel: 'hosted-embed',
      fields: { priority: 'number' },
    });
    const files = [
      'notes.txt',
      'guide.md',
      'article.html',
      'sample.pdf',
      'catalogue.json',
      'rate-limiter.ts',
      'ingest.py',
      'corrupt.pdf',
      'garbage.bin',
    ];
    let upload = api().post(`/v1/collections/${c.id}/documents`);
    for (const f of files) upload = upload.attach('files', fixture(f), f);
    const metadata = files.map((f, i) => ({ tags: ['fixture', f], priority: i, team: 'docs' }));
    const res = await upload.field('metadata', JSON.stringify(metadata));
    expect(res.status).toBe(202);
    expect(res.body.data).toHaveLength(files.length);
    const byName = new Map<string, any>(
      await Promise.all(
        res.body.data.map(async (d: any) => [d.source, await settled(c.id, d.id)] as const),
      ),
    );
    const expected: Record<string, string> = {
      'notes.txt': 'text',
      'guide.md': 'markdown',
      'article.html': 'html',
      'sample.pdf': 'pdf',
      'catalogue.json': 'json',
      'rate-limiter.ts': 'code',
      'ingest.py': 'code',
    };
    for (const [name, type] of Object.entries(expected)) {
      const d = byName.get(name);
      expect({ name, status: d.status, docType: d.docType }).toEqual({
        name,
        status: 'ready',
        docType: type,
      });
      expect(d.chunkCount).toBeGreaterThan(0);
      expect(d.metadata).toMatchObject({ tags: ['fixture', name], team: 'docs' });
      expect(await chunksOf(c.id, d.id)).toBe(d.chunkCount);
    }
    for (const name of ['corrupt.pdf', 'garbage.bin']) {
      const d = byName.get(name);
      expect(d.status).toBe('failed');
      expect(d.error).toMatch(/corrupt-pdf|binary/);
      expect(await chunksOf(c.id, d.id)).toBe(0);
    }
    // Chunks carry the metadata the store filters on.
    const notes = byName.get('notes.txt');
    expect(
      await h.store.inner.count(storeCollectionIdOf(tenantId, c.id), {
        op: 'and',
        filters: [
          { op: 'tagsAny', field: 'tags', values: ['notes.txt'] },
          { op: 'eq', field: 'priority', value: 0 },
        ],
      }),
    ).toBe(notes.chunkCount);
    const view = await api().get(`/v1/collections/${c.id}`);
    expect(view.body.documents).toEqual({ ready: 7, failed: 2 });
  });

  it('re-uploading the same content is a no-op; JSON uploads; metadata types are checked', async () => {
    const c = await createCollection({
      name: 'dedup',
      embeddingModel: 'hosted-embed',
      fields: { priority: 'number' },
    });
    const text = 'The on-call rota changes every Monday at nine.\n\nEscalate to the duty manager.';
    const first = await api()
      .post(`/v1/collections/${c.id}/documents`)
      .send({ documents: [{ source: 'rota', text, metadata: { priority: 2 } }] });
    expect(first.status).toBe(202);
    const d = await settled(c.id, first.body.data[0].id);
    expect(d.status).toBe('ready');
    const embedsBefore = hosted.stats.embedRequests;
    // Same content (other line ends, trailing spaces): the same document, nothing re-ingested.
    const again = await api()
      .post(`/v1/collections/${c.id}/documents`)
      .send({
        documents: [
          {
            source: 'rota-copy',
            contentBase64: Buffer.from(text.replace(/\n/g, '\r\n') + '  ').toString('base64'),
          },
        ],
      });
    expect(again.status).toBe(202);
    expect(again.body.data[0]).toMatchObject({ id: d.id, duplicate: true, status: 'ready' });
    expect(hosted.stats.embedRequests).toBe(embedsBefore);
    const list = await api().get(`/v1/collections/${c.id}/documents`);
    expect(list.body.data).toHaveLength(1);

    const wrong = await api()
      .post(`/v1/collections/${c.id}/documents`)
      .send({ documents: [{ source: 'x', text: 'other', metadata: { priority: 'high' } }] });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].field).toBe('documents.0.metadata.priority');
    const wrongTags = await api()
      .post(`/v1/collections/${c.id}/documents`)
      .send({ documents: [{ source: 'x', text: 'other', metadata: { tags: 'a' } }] });
    expect(wrongTags.status).toBe(400);
    expect(wrongTags.body.errors[0].field).toBe('documents.0.metadata.tags');
    const neither = await api()
      .post(`/v1/collections/${c.id}/documents`)
      .send({ documents: [{ source: 'x' }] });
    expect(neither.status).toBe(400);
    expect((await api().get(`/v1/collections/${c.id}/documents`)).body.data).toHaveLength(1);
  });

  it('refuses uploads over RETRIEVAL_MAX_UPLOAD_BYTES with 413', async () => {
    const c = await createCollection({ name: 'big', embeddingModel: 'hosted-embed' });
    const big = 'word '.repeat(13_000); // 65 kB > 60 000
    const json = await api()
      .post(`/v1/collections/${c.id}/documents`)
      .send({ documents: [{ source: 'big', text: big }] });
    expect(json.status).toBe(413);
    expect(json.body.code).toBe('payload-too-large');
    const multipart = await api()
      .post(`/v1/collections/${c.id}/documents`)
      .attach('files', Buffer.from(big), 'big.txt');
    expect(multipart.status).toBe(413);
    expect(multipart.headers['content-type']).toMatch(/application\/problem\+json/);
    // Two files under the limit each, over it together.
    const half = Buffer.from('half '.repeat(7_000));
    const both = await api()
      .post(`/v1/collections/${c.id}/documents`)
      .attach('files', half, 'a.txt')
      .attach('files', Buffer.concat([half, Buffer.from('b')]), 'b.txt');
    expect(both.status).toBe(413);
    expect((await api().get(`/v1/collections/${c.id}/documents`)).body.data).toHaveLength(0);
  });

  it("answers 404 for unknown ids and for another tenant's collection", async () => {
    const c = await createCollection({ name: 'mine', embeddingModel: 'hosted-embed' });
    const up = await api()
      .post(`/v1/collections/${c.id}/documents`)
      .send({ documents: [{ source: 'a', text: 'alpha beta gamma' }] });
    const docId = up.body.data[0].id;
    const other = api(otherKey);
    for (const res of [
      await other.get(`/v1/collections/${c.id}`),
      await other.get(`/v1/collections/${c.id}/documents`),
      await other.get(`/v1/collections/${c.id}/documents/${docId}`),
      await other.delete(`/v1/collections/${c.id}`),
      await other.post(`/v1/collections/${c.id}/documents/${docId}/cancel`),
      await other
        .post(`/v1/collections/${c.id}/documents`)
        .send({ documents: [{ source: 'b', text: 'x' }] }),
      await api().get('/v1/collections/00000000-0000-4000-8000-000000000000'),
      await api().get('/v1/collections/not-a-uuid'),
      await api().get(`/v1/collections/${c.id}/documents/00000000-0000-4000-8000-000000000000`),
    ]) {
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.code).toBe('not-found');
    }
    expect((await other.get('/v1/collections')).body.data).toEqual([]);
    expect((await api().get(`/v1/collections/${c.id}`)).status).toBe(200);
  });

  it('private collections embed only with local models, even when the local one is down', async () => {
    const c = await createCollection({
      name: 'private',
      embeddingModel: 'local/local-embed',
      privacy: true,
    });
    expect(c).toMatchObject({ privacy: true, embeddingTier: 0 });
    const hostedBefore = hosted.stats.embedRequests;
    const localBefore = local.stats.embedRequests;
    const up = await api()
      .post(`/v1/collections/${c.id}/documents`)
      .attach('files', fixture('guide.md'), 'guide.md');
    const d = await settled(c.id, up.body.data[0].id);
    expect(d.status).toBe('ready');
    expect(local.stats.embedRequests).toBeGreaterThan(localBefore);
    expect(hosted.stats.embedRequests).toBe(hostedBefore);

    local.setDefault({ type: 'status', status: 500 });
    try {
      const down = await api()
        .post(`/v1/collections/${c.id}/documents`)
        .send({
          documents: [{ source: 'secret', text: 'The vault code is never sent anywhere.' }],
        });
      const failed = await settled(c.id, down.body.data[0].id);
      expect(failed.status).toBe('failed');
      expect(hosted.stats.embedRequests).toBe(hostedBefore);
    } finally {
      local.reset();
    }
  });

  it('retries with backoff while the store is down, then indexes', async () => {
    const c = await createCollection({ name: 'outage', embeddingModel: 'hosted-embed' });
    h.store.down = 2;
    const up = await api()
      .post(`/v1/collections/${c.id}/documents`)
      .send({ documents: [{ source: 'o', text: 'Retry me when the store is back.' }] });
    const d = await settled(c.id, up.body.data[0].id);
    expect(h.store.failedUpserts).toBe(2);
    expect(d).toMatchObject({ status: 'ready', error: null });
    expect(await chunksOf(c.id, d.id)).toBe(d.chunkCount);
  });

  it('cancels mid-way: the job stops between batches and no chunk stays visible; retry ingests', async () => {
    const c = await createCollection({
      name: 'cancel',
      embeddingModel: 'slow-embed',
      chunking: { strategy: 'fixed', maxTokens: 32, overlapTokens: 0 },
    });
    slow.setDefault({ type: 'delay-first-token', ms: 200 });
    const text = Array.from(
      { length: 80 },
      (_, i) => `Paragraph ${i} talks about topic ${i * 7} in depth.`,
    ).join('\n\n');
    const up = await api()
      .post(`/v1/collections/${c.id}/documents`)
      .send({ documents: [{ source: 'long', text }] });
    const id = up.body.data[0].id;
    await waitFor(
      'embedding under way',
      async () => slow.stats.embedRequests,
      (n) => n >= 1,
    );
    const cancelled = await api().post(`/v1/collections/${c.id}/documents/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    const queue = h.app.get<Queue>(getQueueToken(RETRIEVAL_INGEST_QUEUE));
    const job = await queue.getJob(cancelled.body.jobId);
    await waitFor(
      'job to end',
      async () => (job ? await job.getState() : 'completed'),
      (s) => s === 'completed' || s === 'failed' || s === 'unknown',
    );
    const requests = slow.stats.embedRequests;
    expect(await chunksOf(c.id, id)).toBe(0);
    expect((await doc(c.id, id)).body.status).toBe('cancelled');
    // It stopped: far fewer batches than the document has (80 paragraphs, 4 chunks a batch).
    expect(requests).toBeLessThan(10);
    const again = await api().post(`/v1/collections/${c.id}/documents/${id}/cancel`);
    expect(again.status).toBe(409);

    slow.setDefault({ type: 'ok' });
    const retried = await api().post(`/v1/collections/${c.id}/documents/${id}/retry`);
    expect(retried.status).toBe(202);
    const d = await settled(c.id, id);
    expect(d.status).toBe('ready');
    expect(await chunksOf(c.id, id)).toBe(d.chunkCount);
    expect((await api().post(`/v1/collections/${c.id}/documents/${id}/retry`)).status).toBe(409);
  });

  it('deletes a document (its chunks) and a collection (its store data)', async () => {
    const c = await createCollection({ name: 'deletions', embeddingModel: 'hosted-embed' });
    const up = await api()
      .post(`/v1/collections/${c.id}/documents`)
      .send({
        documents: [
          { source: 'a', text: 'first doc' },
          { source: 'b', text: 'second doc' },
        ],
      });
    const [a, b] = await Promise.all(up.body.data.map((d: any) => settled(c.id, d.id)));
    expect(await chunksOf(c.id, a.id)).toBeGreaterThan(0);
    expect((await api().delete(`/v1/collections/${c.id}/documents/${a.id}`)).status).toBe(204);
    expect(await chunksOf(c.id, a.id)).toBe(0);
    expect(await chunksOf(c.id, b.id)).toBeGreaterThan(0);
    expect((await doc(c.id, a.id)).status).toBe(404);
    expect((await api().delete(`/v1/collections/${c.id}`)).status).toBe(204);
    expect(await h.store.inner.hasCollection(storeCollectionIdOf(tenantId, c.id))).toBe(false);
    expect((await api().get(`/v1/collections/${c.id}`)).status).toBe(404);
  });
});
