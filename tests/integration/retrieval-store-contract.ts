import { randomUUID } from 'node:crypto';
import {
  CollectionConflictError,
  CollectionNotFoundError,
  InvalidStoreRequestError,
  MAX_SEARCH_K,
  RetrievalFilterError,
  type CollectionSpec,
  type RetrievalFilter,
  type SearchHit,
  type StoredChunk,
  type VectorStore,
} from '@switchboard/retrieval';

/**
 * The contract every VectorStore passes (LanceDB always, Qdrant where QDRANT_URL is set).
 * Vectors are hand-placed in 8 dimensions so dense order is known exactly; texts are chosen
 * so BM25 order is known (term frequency, unicode folding).
 */
export interface StoreHarness {
  store: VectorStore;
  cleanup(): Promise<void>;
}

const DIM = 8;
const FIELDS = {
  priority: 'number',
  pinned: 'boolean',
  reviewed_at: 'datetime',
  lang: 'keyword',
} as const;

function unit(...parts: number[]): number[] {
  const v = [...parts, ...new Array<number>(DIM - parts.length).fill(0)];
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

function chunk(
  documentId: string,
  ordinal: number,
  text: string,
  vector: number[],
  meta: Partial<StoredChunk['metadata']> = {},
): StoredChunk {
  return {
    id: `${documentId}#${ordinal}`,
    documentId,
    text,
    vector,
    metadata: {
      doc_type: 'note',
      source: 'wiki',
      created_at: '2024-01-10T00:00:00.000Z',
      updated_at: '2024-01-11T00:00:00.000Z',
      privacy_level: 'internal',
      tags: [],
      ...meta,
    },
  };
}

export const CORPUS: StoredChunk[] = [
  chunk('d1', 0, 'Redis streams deliver job events in order to every follower', unit(1), {
    tags: ['infra', 'redis'],
    priority: 1,
    pinned: true,
    reviewed_at: '2024-02-01T00:00:00Z',
    lang: 'en',
    owner: 'ops',
  }),
  chunk('d2', 0, 'PostgreSQL keeps the job ledger and the invocation rows', unit(0.8, 0.6), {
    doc_type: 'manual',
    source: 'handbook',
    created_at: '2024-03-05T12:00:00Z',
    privacy_level: 'public',
    tags: ['infra', 'postgres'],
    priority: 2,
    pinned: false,
  }),
  chunk('d3', 0, 'The quick brown fox jumps over the lazy dog', unit(0, 1), {
    created_at: '2023-12-31T23:59:59Z',
    privacy_level: 'public',
    tags: ['misc'],
    priority: 3,
  }),
  chunk('d4', 0, 'Café crème brûlée: déjà vu in Zürich — 東京 の ラーメン', unit(0, 0, 0, 0, 1), {
    doc_type: 'recipe',
    source: 'blog',
    created_at: '2024-06-01T08:30:00Z',
    privacy_level: 'private',
    tags: ['ünïcode', 'food'],
    priority: 5,
    lang: 'fr',
  }),
  chunk('d5', 0, 'Reservations settle the actual cost of a budget', unit(0, 0, 0, 1), {
    doc_type: 'manual',
    source: 'handbook',
    created_at: '2024-04-20T00:00:00Z',
    tags: ['budget'],
  }),
  chunk(
    'd5',
    1,
    'Budget alerts fire when a budget crosses a budget threshold',
    unit(0, 0, 0, 0.9, 0.1),
    {
      doc_type: 'manual',
      source: 'handbook',
      created_at: '2024-04-20T00:00:00Z',
      tags: ['budget', 'alerts'],
    },
  ),
];

const ids = (hits: SearchHit[]) => hits.map((h) => h.chunkId);
const sorted = (values: string[]) => [...values].sort();

export function describeVectorStoreContract(name: string, open: () => Promise<StoreHarness>): void {
  describe(`VectorStore contract: ${name}`, () => {
    let harness: StoreHarness;
    let store: VectorStore;
    let spec: CollectionSpec;

    beforeAll(async () => {
      harness = await open();
      store = harness.store;
    });
    afterAll(async () => {
      await harness?.cleanup();
    });
    beforeEach(async () => {
      spec = { id: `c_${randomUUID().slice(0, 12)}`, dimension: DIM, fields: { ...FIELDS } };
      await store.createCollection(spec);
      await store.upsert(spec.id, CORPUS);
    });
    afterEach(async () => {
      await store.drop(spec.id);
    });

    it('reports healthy', async () => {
      expect(await store.health()).toMatchObject({ ok: true, kind: store.kind });
    });

    describe('collections', () => {
      it('creates idempotently with the same spec and refuses another spec', async () => {
        await expect(store.createCollection(spec)).resolves.toBeUndefined();
        expect(await store.describeCollection(spec.id)).toMatchObject({
          id: spec.id,
          dimension: DIM,
          fields: FIELDS,
        });
        await expect(store.createCollection({ ...spec, dimension: 16 })).rejects.toBeInstanceOf(
          CollectionConflictError,
        );
        await expect(
          store.createCollection({ ...spec, fields: { priority: 'keyword' } }),
        ).rejects.toBeInstanceOf(CollectionConflictError);
      });

      it('drops a collection, and dropping a missing one is a no-op', async () => {
        await store.drop(spec.id);
        expect(await store.hasCollection(spec.id)).toBe(false);
        await expect(store.drop(spec.id)).resolves.toBeUndefined();
        await expect(store.count(spec.id)).rejects.toBeInstanceOf(CollectionNotFoundError);
        await expect(
          store.search(spec.id, { mode: 'dense', vector: unit(1), k: 3 }),
        ).rejects.toBeInstanceOf(CollectionNotFoundError);
      });

      it('keeps collections apart', async () => {
        const other = { id: `${spec.id}_other`, dimension: DIM };
        await store.createCollection(other);
        try {
          await store.upsert(other.id, [chunk('x1', 0, 'only here', unit(1))]);
          expect(await store.count(other.id)).toBe(1);
          expect(await store.count(spec.id)).toBe(CORPUS.length);
          const hits = await store.search(other.id, { mode: 'dense', vector: unit(1), k: 10 });
          expect(ids(hits)).toEqual(['x1#0']);
        } finally {
          await store.drop(other.id);
        }
      });
    });

    describe('upsert, count and delete by document', () => {
      it('counts chunks, with and without a filter', async () => {
        expect(await store.count(spec.id)).toBe(6);
        expect(await store.count(spec.id, { op: 'eq', field: 'document_id', value: 'd5' })).toBe(2);
      });

      it('re-upserting the same chunks is idempotent', async () => {
        const before = await store.search(spec.id, {
          mode: 'hybrid',
          vector: unit(1),
          text: 'budget',
          k: 6,
        });
        const result = await store.upsert(spec.id, CORPUS);
        expect(result).toEqual({ documents: 5, chunks: 6, removedStale: 0 });
        expect(await store.count(spec.id)).toBe(6);
        const after = await store.search(spec.id, {
          mode: 'hybrid',
          vector: unit(1),
          text: 'budget',
          k: 6,
        });
        expect(ids(after)).toEqual(ids(before));
      });

      it("an upsert replaces a document's whole chunk set", async () => {
        const result = await store.upsert(spec.id, [
          chunk('d5', 0, 'Budgets are rewritten in one chunk now', unit(0, 0, 0, 1), {
            tags: ['budget'],
          }),
        ]);
        expect(result).toEqual({ documents: 1, chunks: 1, removedStale: 1 });
        expect(await store.count(spec.id, { op: 'eq', field: 'document_id', value: 'd5' })).toBe(1);
        const hits = await store.search(spec.id, { mode: 'keyword', text: 'rewritten', k: 5 });
        expect(ids(hits)).toEqual(['d5#0']);
        expect(hits[0].text).toBe('Budgets are rewritten in one chunk now');
      });

      it('deletes a document and only it', async () => {
        expect(await store.deleteDocument(spec.id, 'd5')).toBe(2);
        expect(await store.count(spec.id)).toBe(4);
        const hits = await store.search(spec.id, { mode: 'keyword', text: 'budget', k: 10 });
        expect(hits.filter((h) => h.documentId === 'd5')).toEqual([]);
        expect(await store.deleteDocument(spec.id, 'd5')).toBe(0);
        expect(await store.deleteDocument(spec.id, "it's-not-there")).toBe(0);
      });

      it('rejects a bad chunk and writes nothing of the call', async () => {
        const bad = [chunk('d9', 0, 'fine', unit(1)), chunk('d9', 1, 'wrong dimension', [1, 0, 0])];
        await expect(store.upsert(spec.id, bad)).rejects.toBeInstanceOf(InvalidStoreRequestError);
        const mistyped = [chunk('d9', 0, 'typed', unit(1), { priority: 'high' })];
        await expect(store.upsert(spec.id, mistyped)).rejects.toBeInstanceOf(
          InvalidStoreRequestError,
        );
        expect(await store.count(spec.id)).toBe(6);
      });

      it('round-trips metadata, free-form keys and unicode', async () => {
        const [hit] = await store.search(spec.id, { mode: 'dense', vector: unit(1), k: 1 });
        expect(hit).toMatchObject({ chunkId: 'd1#0', documentId: 'd1', text: CORPUS[0].text });
        expect(hit.metadata).toMatchObject({
          doc_type: 'note',
          tags: ['infra', 'redis'],
          priority: 1,
          pinned: true,
          owner: 'ops',
          created_at: '2024-01-10T00:00:00.000Z',
          reviewed_at: '2024-02-01T00:00:00.000Z',
        });
        const [food] = await store.search(spec.id, {
          mode: 'dense',
          vector: unit(0, 0, 0, 0, 1),
          k: 1,
        });
        expect(food.text).toBe('Café crème brûlée: déjà vu in Zürich — 東京 の ラーメン');
        expect(food.metadata.tags).toEqual(['ünïcode', 'food']);
      });
    });

    describe('search', () => {
      it('dense search returns nearest neighbours in cosine order', async () => {
        const hits = await store.search(spec.id, { mode: 'dense', vector: unit(1, 0.1), k: 3 });
        expect(ids(hits)).toEqual(['d1#0', 'd2#0', 'd3#0']);
        expect(hits[0].scores.dense).toBeCloseTo(0.995, 2);
        expect(hits[0].scores.dense!).toBeGreaterThan(hits[1].scores.dense!);
        expect(
          hits.every((h) => h.scores.keyword === undefined && h.scores.fused === h.scores.dense),
        ).toBe(true);
      });

      it('keyword search ranks by BM25 and returns only matching chunks', async () => {
        const hits = await store.search(spec.id, { mode: 'keyword', text: 'budget', k: 10 });
        expect(ids(hits)).toEqual(['d5#1', 'd5#0']);
        expect(hits[0].scores.keyword!).toBeGreaterThan(hits[1].scores.keyword!);
        const rare = await store.search(spec.id, { mode: 'keyword', text: 'job ledger', k: 10 });
        expect(rare[0].chunkId).toBe('d2#0');
      });

      it('keyword search folds accents and finds non-Latin scripts', async () => {
        expect(ids(await store.search(spec.id, { mode: 'keyword', text: 'Zürich', k: 5 }))).toEqual(
          ['d4#0'],
        );
        expect(
          ids(await store.search(spec.id, { mode: 'keyword', text: 'ラーメン', k: 5 })),
        ).toEqual(['d4#0']);
      });

      it('hybrid weighted fusion: 70:30 by default, all-dense and all-keyword at the ends', async () => {
        const query = { mode: 'hybrid' as const, vector: unit(0.8, 0.6), text: 'budget', k: 4 };
        const weighted = await store.search(spec.id, query);
        expect(weighted[0].chunkId).toBe('d2#0');
        const both = (await store.search(spec.id, { ...query, text: 'ledger budget' }))[0];
        expect(both.chunkId).toBe('d2#0');
        expect(both.scores.dense).toBeDefined();
        expect(both.scores.keyword).toBeDefined();
        const denseOnly = await store.search(spec.id, {
          ...query,
          fusion: { method: 'weighted', denseWeight: 1 },
        });
        expect(ids(denseOnly).slice(0, 2)).toEqual(['d2#0', 'd1#0']);
        const keywordOnly = await store.search(spec.id, {
          ...query,
          fusion: { method: 'weighted', denseWeight: 0 },
        });
        // Min-max puts the last keyword hit at 0, level with dense-only hits: only the top is sure.
        expect(keywordOnly[0].chunkId).toBe('d5#1');
        expect(keywordOnly[0].scores.fused).toBeCloseTo(1, 6);
        expect(
          weighted.every((h, i) => i === 0 || h.scores.fused <= weighted[i - 1].scores.fused),
        ).toBe(true);
      });

      it('hybrid RRF fusion rewards a hit found by both lists', async () => {
        const hits = await store.search(spec.id, {
          mode: 'hybrid',
          vector: unit(0.8, 0.6),
          text: 'budget',
          k: 4,
          fusion: { method: 'rrf' },
        });
        // d5#1 is first by keyword and also in the dense list; d2 is first by dense only.
        expect(hits[0].chunkId).toBe('d5#1');
        expect(ids(hits)).toContain('d2#0');
        const redis = await store.search(spec.id, {
          mode: 'hybrid',
          vector: unit(1),
          text: 'redis streams',
          k: 3,
          fusion: { method: 'rrf' },
        });
        expect(redis[0].chunkId).toBe('d1#0');
      });

      it('bounds k', async () => {
        for (const k of [0, -1, 1.5, MAX_SEARCH_K + 1, Number.NaN]) {
          await expect(
            store.search(spec.id, { mode: 'dense', vector: unit(1), k }),
          ).rejects.toBeInstanceOf(InvalidStoreRequestError);
        }
        expect(await store.search(spec.id, { mode: 'dense', vector: unit(1), k: 1 })).toHaveLength(
          1,
        );
        expect(
          await store.search(spec.id, { mode: 'dense', vector: unit(1), k: MAX_SEARCH_K }),
        ).toHaveLength(6);
        expect(
          await store.search(spec.id, { mode: 'hybrid', vector: unit(1), text: 'budget', k: 2 }),
        ).toHaveLength(2);
      });

      it('refuses a search without the inputs of its mode', async () => {
        await expect(store.search(spec.id, { mode: 'dense', k: 3 })).rejects.toBeInstanceOf(
          InvalidStoreRequestError,
        );
        await expect(
          store.search(spec.id, { mode: 'keyword', text: '  ', k: 3 }),
        ).rejects.toBeInstanceOf(InvalidStoreRequestError);
        await expect(
          store.search(spec.id, { mode: 'hybrid', vector: [1, 0], text: 'x', k: 3 }),
        ).rejects.toBeInstanceOf(InvalidStoreRequestError);
      });
    });

    describe('filters', () => {
      const cases: [string, RetrievalFilter, string[]][] = [
        ['eq keyword', { op: 'eq', field: 'doc_type', value: 'note' }, ['d1', 'd3']],
        ['eq number', { op: 'eq', field: 'priority', value: 2 }, ['d2']],
        ['eq boolean', { op: 'eq', field: 'pinned', value: true }, ['d1']],
        ['eq with a quote', { op: 'eq', field: 'source', value: "o'reilly" }, []],
        ['in keyword', { op: 'in', field: 'source', values: ['blog', 'wiki'] }, ['d1', 'd3', 'd4']],
        ['in number', { op: 'in', field: 'priority', values: [1, 5] }, ['d1', 'd4']],
        ['in document ids', { op: 'in', field: 'document_id', values: ['d2', 'd4'] }, ['d2', 'd4']],
        [
          'date range',
          { op: 'range', field: 'created_at', gte: '2024-01-01', lt: '2024-04-01T00:00:00Z' },
          ['d1', 'd2'],
        ],
        [
          'date range, one bound',
          { op: 'range', field: 'created_at', gt: '2024-04-20T00:00:00Z' },
          ['d4'],
        ],
        [
          'declared date field',
          { op: 'range', field: 'reviewed_at', lte: '2024-02-01T00:00:00Z' },
          ['d1'],
        ],
        ['number range', { op: 'range', field: 'priority', gt: 1, lte: 3 }, ['d2', 'd3']],
        ['tags any', { op: 'tagsAny', field: 'tags', values: ['redis', 'ünïcode'] }, ['d1', 'd4']],
        ['tags all', { op: 'tagsAll', field: 'tags', values: ['infra', 'postgres'] }, ['d2']],
        [
          'tags all, none has both',
          { op: 'tagsAll', field: 'tags', values: ['redis', 'postgres'] },
          [],
        ],
        [
          'or',
          {
            op: 'or',
            filters: [
              { op: 'eq', field: 'doc_type', value: 'recipe' },
              { op: 'tagsAny', field: 'tags', values: ['misc'] },
            ],
          },
          ['d3', 'd4'],
        ],
        [
          'and with nested or',
          {
            op: 'and',
            filters: [
              { op: 'eq', field: 'privacy_level', value: 'public' },
              {
                op: 'or',
                filters: [
                  { op: 'range', field: 'priority', lte: 2 },
                  { op: 'eq', field: 'lang', value: 'en' },
                ],
              },
            ],
          },
          ['d2'],
        ],
      ];

      it.each(cases)(
        '%s: in count, dense and keyword search',
        async (_label, filter, documents) => {
          const expected = CORPUS.filter((c) => documents.includes(c.documentId));
          expect(await store.count(spec.id, filter)).toBe(expected.length);
          const dense = await store.search(spec.id, {
            mode: 'dense',
            vector: unit(1),
            k: 10,
            filter,
          });
          expect(sorted(ids(dense))).toEqual(sorted(expected.map((c) => c.id)));
          const hybrid = await store.search(spec.id, {
            mode: 'hybrid',
            vector: unit(1),
            text: 'job budget',
            k: 10,
            filter,
          });
          expect(hybrid.every((h) => documents.includes(h.documentId))).toBe(true);
        },
      );

      it('keyword search applies the filter', async () => {
        const filter: RetrievalFilter = { op: 'tagsAny', field: 'tags', values: ['alerts'] };
        expect(
          ids(await store.search(spec.id, { mode: 'keyword', text: 'budget', k: 10, filter })),
        ).toEqual(['d5#1']);
      });

      const invalid: [string, RetrievalFilter, string][] = [
        ['unknown field', { op: 'eq', field: 'colour', value: 'red' }, 'colour'],
        ['free-form key is not filterable', { op: 'eq', field: 'owner', value: 'ops' }, 'owner'],
        ['string for a number', { op: 'eq', field: 'priority', value: 'high' }, 'priority'],
        ['number for a keyword', { op: 'in', field: 'source', values: ['wiki', 3] }, 'source'],
        ['bad date', { op: 'range', field: 'created_at', gte: 'yesterday' }, 'created_at'],
        ['range on a keyword', { op: 'range', field: 'doc_type', gte: 'a' }, 'doc_type'],
        [
          'tags operator on a keyword',
          { op: 'tagsAny', field: 'source', values: ['wiki'] },
          'source',
        ],
        ['eq on tags', { op: 'eq', field: 'tags', value: 'infra' }, 'tags'],
        ['empty in', { op: 'in', field: 'source', values: [] }, 'source'],
        [
          'deep in an and',
          {
            op: 'and',
            filters: [
              { op: 'eq', field: 'doc_type', value: 'note' },
              { op: 'eq', field: 'pinned', value: 'yes' },
            ],
          },
          'pinned',
        ],
      ];

      it.each(invalid)(
        '%s throws RetrievalFilterError naming the field',
        async (_label, filter, field) => {
          for (const call of [
            () => store.count(spec.id, filter),
            () => store.search(spec.id, { mode: 'dense', vector: unit(1), k: 3, filter }),
            () => store.search(spec.id, { mode: 'keyword', text: 'budget', k: 3, filter }),
          ]) {
            const error = await call().then(
              () => undefined,
              (e: unknown) => e,
            );
            expect(error).toBeInstanceOf(RetrievalFilterError);
            expect(error).toMatchObject({ field, httpStatus: 400 });
            expect((error as Error).message).toContain(`"${field}"`);
          }
        },
      );
    });
  });
}
