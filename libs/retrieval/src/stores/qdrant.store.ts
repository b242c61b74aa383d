import { QdrantClient, type Schemas } from '@qdrant/js-client-rest';
import {
  assertCollectionId,
  assertSameSpec,
  BUILT_IN_FIELDS,
  fieldSchemaOf,
  normaliseCollectionSpec,
  type FieldSchema,
  type FieldType,
} from './collection-schema';
import { checkChunks } from './chunk-validation';
import { fuseRankedLists, type RankedItem } from './hybrid-fusion';
import { qdrantKey, toQdrantFilter } from './qdrant-filter';
import { chunkToPoint, payloadIndexType, pointToHit, type HitBody } from './qdrant-points';
import {
  DENSE_VECTOR,
  featuresOf,
  planQuery,
  SPARSE_VECTOR,
  type Bm25Mode,
  type QdrantFeatures,
} from './qdrant-query';
import { checkFilter, type RetrievalFilter } from './retrieval-filter';
import { checkSearchRequest } from './search-request';
import {
  CollectionNotFoundError,
  RetrievalStoreError,
  StoreUnavailableError,
} from './store-errors';
import type {
  CollectionSpec,
  SearchHit,
  SearchRequest,
  StoreHealth,
  StoredChunk,
  UpsertResult,
  VectorStore,
} from './vector-store';

export interface QdrantStoreOptions {
  url: string;
  apiKey?: string;
  /** Request timeout in milliseconds. */
  timeoutMs?: number;
}

interface OpenCollection {
  spec: CollectionSpec;
  fields: FieldSchema;
  bm25: Bm25Mode;
}

const UPSERT_BATCH = 256;
const METADATA_KEY = 'switchboard';

/**
 * The production store: Qdrant through its REST client. Named vectors `dense` (cosine) and
 * `bm25` (sparse, `modifier: idf`), a payload index per filterable field, the Query API with
 * prefetch + RRF/DBSF fusion for hybrid (weighted fusion runs client-side on both lists).
 */
export class QdrantStore implements VectorStore {
  readonly kind = 'qdrant' as const;
  private readonly open = new Map<string, Promise<OpenCollection>>();
  private features?: Promise<QdrantFeatures>;

  constructor(
    private readonly client: QdrantClient,
    private readonly name = 'qdrant',
  ) {}

  static connect(options: QdrantStoreOptions): QdrantStore {
    const client = new QdrantClient({
      url: options.url,
      apiKey: options.apiKey,
      timeout: options.timeoutMs ?? 10_000,
      checkCompatibility: false,
    });
    return new QdrantStore(client);
  }

  async createCollection(wanted: CollectionSpec): Promise<void> {
    const spec = normaliseCollectionSpec(wanted);
    if (await this.hasCollection(spec.id)) {
      assertSameSpec((await this.collection(spec.id)).spec, spec);
      return;
    }
    const features = await this.serverFeatures();
    const bm25: Bm25Mode = features.serverBm25 ? 'server' : 'client';
    await this.guard(spec.id, async () => {
      // Through the raw API: the client's helper drops `metadata` (where the spec is kept).
      await this.client.api().createCollection({
        collection_name: spec.id,
        vectors: { [DENSE_VECTOR]: { size: spec.dimension, distance: 'Cosine' } },
        sparse_vectors: { [SPARSE_VECTOR]: { modifier: 'idf' } },
        ...(features.collectionMetadata ? { metadata: { [METADATA_KEY]: { spec, bm25 } } } : {}),
      });
      const fields = fieldSchemaOf(spec);
      for (const [name, type] of Object.entries(fields)) {
        await this.client.createPayloadIndex(spec.id, {
          field_name: qdrantKey(name),
          field_schema: payloadIndexType(type),
          wait: true,
        });
      }
      this.open.set(spec.id, Promise.resolve({ spec, fields, bm25 }));
    });
  }

  async hasCollection(collectionId: string): Promise<boolean> {
    assertCollectionId(collectionId);
    return this.guard(
      collectionId,
      async () => (await this.client.collectionExists(collectionId)).exists,
    );
  }

  async describeCollection(collectionId: string): Promise<CollectionSpec> {
    return (await this.collection(collectionId)).spec;
  }

  async upsert(collectionId: string, chunks: readonly StoredChunk[]): Promise<UpsertResult> {
    const { spec, fields, bm25 } = await this.collection(collectionId);
    const byDocument = checkChunks(chunks, fields, spec.dimension);
    if (chunks.length === 0) return { documents: 0, chunks: 0, removedStale: 0 };
    const points = chunks.map((chunk) => chunkToPoint(chunk, fields, bm25));
    return this.guard(collectionId, async () => {
      for (let at = 0; at < points.length; at += UPSERT_BATCH) {
        await this.client.upsert(collectionId, {
          wait: true,
          points: points.slice(at, at + UPSERT_BATCH),
        });
      }
      // The documents' chunks not in this call are stale: remove them after the new ones land.
      const stale: Schemas['Filter'] = {
        must: [{ key: 'document_id', match: { any: [...byDocument.keys()] } }],
        must_not: [{ has_id: points.map((p) => p.id) }],
      };
      const removedStale = (await this.client.count(collectionId, { filter: stale, exact: true }))
        .count;
      if (removedStale > 0) await this.client.delete(collectionId, { wait: true, filter: stale });
      return { documents: byDocument.size, chunks: chunks.length, removedStale };
    });
  }

  async deleteDocument(collectionId: string, documentId: string): Promise<number> {
    await this.collection(collectionId);
    const filter: Schemas['Filter'] = {
      must: [{ key: 'document_id', match: { value: documentId } }],
    };
    return this.guard(collectionId, async () => {
      const { count } = await this.client.count(collectionId, { filter, exact: true });
      if (count > 0) await this.client.delete(collectionId, { wait: true, filter });
      return count;
    });
  }

  async search(collectionId: string, request: SearchRequest): Promise<SearchHit[]> {
    const open = await this.collection(collectionId);
    const search = checkSearchRequest(request, open.fields, open.spec.dimension);
    const plan = planQuery(search, open.bm25, await this.serverFeatures());
    const responses = await this.guard(collectionId, () =>
      this.client.queryBatch(collectionId, { searches: plan.requests }),
    );
    const lists = responses.map((response) => response.points.map(ranked));
    switch (plan.kind) {
      case 'dense':
        return lists[0].map((hit) => ({
          ...hit.item,
          scores: { dense: hit.score, fused: hit.score },
        }));
      case 'keyword':
        return lists[0].map((hit) => ({
          ...hit.item,
          scores: { keyword: hit.score, fused: hit.score },
        }));
      case 'lists':
        return fuseRankedLists(lists[0], lists[1], search.fusion)
          .slice(0, search.k)
          .map((fused) => ({ ...fused.item, scores: fused.scores }));
      case 'native': {
        const dense = new Map(lists[1].map((hit) => [hit.id, hit.score]));
        const keyword = new Map(lists[2].map((hit) => [hit.id, hit.score]));
        return lists[0].map((hit) => ({
          ...hit.item,
          scores: { dense: dense.get(hit.id), keyword: keyword.get(hit.id), fused: hit.score },
        }));
      }
    }
  }

  async count(collectionId: string, filter?: RetrievalFilter): Promise<number> {
    const { fields } = await this.collection(collectionId);
    const qdrantFilter = filter ? toQdrantFilter(checkFilter(filter, fields)) : undefined;
    return this.guard(collectionId, async () => {
      return (await this.client.count(collectionId, { filter: qdrantFilter, exact: true })).count;
    });
  }

  async drop(collectionId: string): Promise<void> {
    assertCollectionId(collectionId);
    this.open.delete(collectionId);
    await this.guard(collectionId, async () => {
      if ((await this.client.collectionExists(collectionId)).exists)
        await this.client.deleteCollection(collectionId);
    });
  }

  async health(): Promise<StoreHealth> {
    try {
      const { version } = await this.client.versionInfo();
      return { ok: true, kind: this.kind, version };
    } catch (error) {
      return { ok: false, kind: this.kind, detail: (error as Error).message };
    }
  }

  async close(): Promise<void> {
    this.open.clear();
    await Promise.resolve();
  }

  private serverFeatures(): Promise<QdrantFeatures> {
    if (!this.features) {
      this.features = this.guard('', async () =>
        featuresOf((await this.client.versionInfo()).version),
      );
      this.features.catch(() => (this.features = undefined));
    }
    return this.features;
  }

  private collection(collectionId: string): Promise<OpenCollection> {
    assertCollectionId(collectionId);
    let pending = this.open.get(collectionId);
    if (!pending) {
      pending = this.readCollection(collectionId);
      this.open.set(collectionId, pending);
      pending.catch(() => this.open.delete(collectionId));
    }
    return pending;
  }

  /** The spec from the collection metadata; on servers without it, from the payload indexes. */
  private async readCollection(collectionId: string): Promise<OpenCollection> {
    const info = await this.guard(collectionId, () => this.client.getCollection(collectionId));
    const kept = (info.config as { metadata?: Record<string, unknown> | null }).metadata?.[
      METADATA_KEY
    ] as { spec: CollectionSpec; bm25: Bm25Mode } | undefined;
    if (kept) return { spec: kept.spec, fields: fieldSchemaOf(kept.spec), bm25: kept.bm25 };
    const vectors = info.config.params.vectors as Record<string, { size: number }>;
    const declared: Record<string, FieldType> = {};
    for (const [key, schema] of Object.entries(info.payload_schema ?? {})) {
      const name = key.replace(/^metadata\./, '');
      if (!schema || name in BUILT_IN_FIELDS || key === name) continue;
      declared[name] = fieldTypeOf(schema.data_type);
    }
    const spec = normaliseCollectionSpec({
      id: collectionId,
      dimension: vectors[DENSE_VECTOR].size,
      fields: declared,
    });
    const bm25: Bm25Mode = (await this.serverFeatures()).serverBm25 ? 'server' : 'client';
    return { spec, fields: fieldSchemaOf(spec), bm25 };
  }

  /** Our errors pass; 404 means no collection; other 4xx are our bugs; the rest is a down store. */
  private async guard<T>(collectionId: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof RetrievalStoreError) throw error;
      const status = (error as { status?: unknown }).status;
      if (status === 404 && collectionId) throw new CollectionNotFoundError(collectionId);
      if (typeof status === 'number' && status >= 400 && status < 500 && status !== 429)
        throw error;
      throw new StoreUnavailableError(this.name, error);
    }
  }
}

function ranked(point: Schemas['ScoredPoint']): RankedItem<HitBody> {
  const item = pointToHit(point);
  return { id: item.chunkId, score: point.score, item };
}

/** Tags fields index as keyword too: without collection metadata a declared tags field reads as keyword. */
function fieldTypeOf(type: Schemas['PayloadSchemaType']): FieldType {
  switch (type) {
    case 'float':
    case 'integer':
      return 'number';
    case 'datetime':
      return 'datetime';
    case 'bool':
      return 'boolean';
    case 'keyword':
    case 'text':
    case 'uuid':
    case 'geo':
      return 'keyword';
  }
}
