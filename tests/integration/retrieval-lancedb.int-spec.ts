import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LanceDbStore, StoreUnavailableError } from '@switchboard/retrieval';
import { describeVectorStoreContract } from './retrieval-store-contract';

async function openLanceDb(ftsRefreshRows?: number) {
  const dataDir = await mkdtemp(join(tmpdir(), 'sb-lancedb-'));
  const store = await LanceDbStore.connect({ dataDir, ftsRefreshRows });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

// The default refresh (a tenth of the indexed rows, at most 2000 unindexed), and a refresh on
// every upsert: run the contract both ways.
describeVectorStoreContract('LanceDB', () => openLanceDb());
describeVectorStoreContract('LanceDB, FTS index refreshed on every upsert', () => openLanceDb(1));

describe('LanceDB store: an unusable data directory', () => {
  it('fails to connect with StoreUnavailableError when the data dir cannot be created', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-lancedb-file-'));
    const file = join(dir, 'not-a-dir');
    await writeFile(file, 'x');
    try {
      await expect(LanceDbStore.connect({ dataDir: join(file, 'db') })).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports unhealthy, and fails with StoreUnavailableError, once the data dir is gone', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sb-lancedb-gone-'));
    const store = await LanceDbStore.connect({ dataDir });
    try {
      await store.createCollection({ id: 'gone', dimension: 2 });
      await rm(dataDir, { recursive: true, force: true });
      expect(await store.health()).toMatchObject({ ok: false, kind: 'lancedb' });
      await expect(
        store.search('gone', { mode: 'dense', vector: [1, 0], k: 1 }),
      ).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
