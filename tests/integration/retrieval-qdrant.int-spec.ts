import { createServer } from 'node:net';
import { QdrantStore, StoreUnavailableError } from '@switchboard/retrieval';
import { describeVectorStoreContract } from './retrieval-store-contract';

// No Qdrant server runs here (no package, no Docker engine): the contract runs where
// QDRANT_URL points at one, e.g. QDRANT_URL=http://127.0.0.1:6333 npx jest ... this file.
const url = process.env.QDRANT_URL;

if (url) {
  describeVectorStoreContract(`Qdrant at ${url}`, () =>
    Promise.resolve({
      store: QdrantStore.connect({ url, apiKey: process.env.QDRANT_API_KEY }),
      cleanup: () => Promise.resolve(),
    }),
  );
} else {
  describe('VectorStore contract: Qdrant', () => {
    it.skip('not run: QDRANT_URL unset', () => undefined);
  });
}

/** A loopback port with nothing listening: a Qdrant that is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('Qdrant store: the server is down', () => {
  let store: QdrantStore;
  beforeAll(async () => {
    store = QdrantStore.connect({ url: `http://127.0.0.1:${await closedPort()}`, timeoutMs: 2000 });
  });

  it('reports unhealthy', async () => {
    expect(await store.health()).toMatchObject({ ok: false, kind: 'qdrant' });
  });

  it('fails every operation with StoreUnavailableError (HTTP 503)', async () => {
    const calls = [
      () => store.createCollection({ id: 'down', dimension: 4 }),
      () => store.hasCollection('down'),
      () => store.search('down', { mode: 'dense', vector: [1, 0, 0, 0], k: 3 }),
      () => store.count('down'),
      () => store.deleteDocument('down', 'd1'),
      () => store.drop('down'),
    ];
    for (const call of calls) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error).toMatchObject({ httpStatus: 503, code: 'retrieval-store-unavailable' });
    }
  });
});
