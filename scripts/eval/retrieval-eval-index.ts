import type { Tier } from '@switchboard/catalogue';
import type { LlmClient } from '@switchboard/llm';
import {
  LanceDbStore,
  RecursiveChunker,
  chunkingStrategySchema,
  type CollectionRecord,
  type LabelledDocument,
  type StoredChunk,
  type VectorStore,
} from '@switchboard/retrieval';

export interface IndexedCollection {
  collection: CollectionRecord;
  documents: number;
  chunks: number;
  /** The model the router actually answered with (the catalogue key it resolved to). */
  embeddedWith: string;
}

export interface IndexOptions {
  storeCollectionId: string;
  embeddingModel: string;
  embeddingTier: Tier;
  /** The catalogue's vector size; measured from the first batch when unknown. */
  dimensions?: number;
  /** Texts per embeddings call. */
  batch: number;
}

/** The text a document is chunked, embedded and keyword-indexed as: its title, then its body. */
export function documentText(doc: LabelledDocument): string {
  return doc.title ? `${doc.title}\n\n${doc.text}` : doc.text;
}

/**
 * Chunks the labelled documents (recursive chunker, the collections' default sizes), embeds
 * every chunk through the router and writes them to a fresh store collection. Chunk ids are
 * `<documentId>#<ordinal>`; hits are mapped back to documents by `documentId`.
 */
export async function indexLabelledDocuments(
  store: VectorStore,
  llm: LlmClient,
  documents: readonly LabelledDocument[],
  options: IndexOptions,
): Promise<IndexedCollection> {
  const chunking = chunkingStrategySchema.parse({ strategy: 'recursive' });
  const chunker = new RecursiveChunker(chunking);
  const pending: Omit<StoredChunk, 'vector'>[] = [];
  for (const doc of documents) {
    const chunks = await chunker.chunk({ type: 'text', title: doc.title, text: documentText(doc) });
    const created = doc.metadata?.created_at ?? '1970-01-01';
    chunks.forEach((chunk) =>
      pending.push({
        id: `${doc.id}#${chunk.index}`,
        documentId: doc.id,
        text: chunk.text,
        metadata: {
          doc_type: doc.metadata?.doc_type ?? 'text',
          source: doc.metadata?.source ?? doc.id,
          created_at: new Date(created).toISOString(),
          updated_at: new Date(created).toISOString(),
          privacy_level: 'internal',
          tags: doc.metadata?.tags ?? [],
        },
      }),
    );
  }
  const stored: StoredChunk[] = [];
  let dimensions = options.dimensions;
  let embeddedWith = options.embeddingModel;
  for (let start = 0; start < pending.length; start += options.batch) {
    const batch = pending.slice(start, start + options.batch);
    const response = await llm.embed({
      input: batch.map((c) => c.text),
      model: options.embeddingModel,
      ...(dimensions ? { dimensions } : {}),
    });
    if (response.embeddings.length !== batch.length) {
      throw new Error(
        `embeddings: asked for ${batch.length} vectors, got ${response.embeddings.length}`,
      );
    }
    dimensions ??= response.embeddings[0].length;
    embeddedWith = `${response.provider}/${response.model}`;
    batch.forEach((chunk, i) => stored.push({ ...chunk, vector: response.embeddings[i] }));
  }
  if (!dimensions) throw new Error('no documents to index');
  await store.createCollection({ id: options.storeCollectionId, dimension: dimensions });
  // Whole documents per upsert (an upsert replaces each named document's chunk set), a
  // couple of thousand chunks at a time to stay within the store's limit.
  let slice: StoredChunk[] = [];
  for (const [i, chunk] of stored.entries()) {
    slice.push(chunk);
    const documentEnds = stored[i + 1]?.documentId !== chunk.documentId;
    if (documentEnds && (slice.length >= 2_000 || i === stored.length - 1)) {
      await store.upsert(options.storeCollectionId, slice);
      slice = [];
    }
  }
  // A bulk load: fold every row into LanceDB's FTS index (rows outside it are scanned flat).
  if (store instanceof LanceDbStore) await store.optimize(options.storeCollectionId);
  const now = new Date();
  const collection: CollectionRecord = {
    id: options.storeCollectionId,
    tenantId: 'retrieval-eval',
    name: options.storeCollectionId,
    description: 'temporary collection of npm run eval:retrieval',
    embeddingModel: options.embeddingModel,
    dimensions,
    embeddingTier: options.embeddingTier,
    privacy: false,
    chunking,
    store: store.kind,
    storeCollectionId: options.storeCollectionId,
    fields: {},
    createdAt: now,
    updatedAt: now,
  };
  return { collection, documents: documents.length, chunks: stored.length, embeddedWith };
}
