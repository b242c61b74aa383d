import { Injectable } from '@nestjs/common';
import { Config } from '@switchboard/config';
import { LlmService, RoutingError } from '@switchboard/llm';
import type { CollectionRecord } from '../collections';
import { EmbeddingCache } from './embedding-cache';
import { IngestionFailedError } from './ingestion-errors';

export interface EmbedCall {
  collection: CollectionRecord;
  /** For the invocation log: the ingestion job's id (a uuid). */
  jobId: string;
  signal?: AbortSignal;
}

/**
 * Embeds chunk texts for a collection through the LLM router: the collection's model at its
 * embedding tier, private collections with `privacy: true` (local providers only), the
 * tenant's budgets, failover and the invocation log as for every call. Cached vectors are
 * reused; the rest go in one call.
 */
@Injectable()
export class ChunkEmbedder {
  constructor(
    private readonly config: Config,
    private readonly llm: LlmService,
    private readonly cache: EmbeddingCache,
  ) {}

  async embed(texts: readonly string[], call: EmbedCall): Promise<number[][]> {
    const { collection } = call;
    const cached = await this.cache.getMany(
      collection.embeddingModel,
      collection.dimensions,
      texts,
    );
    const missing = texts.filter((_, i) => cached[i] === undefined);
    if (missing.length === 0) return cached as number[][];
    const client = this.llm.clientFor({
      tier: collection.embeddingTier,
      privacy: collection.privacy,
      signal: call.signal,
      job: { jobId: call.jobId, tenantId: collection.tenantId },
    });
    let vectors: number[][];
    try {
      vectors = (await client.embed({ input: missing, model: collection.embeddingModel }))
        .embeddings;
    } catch (error) {
      if (error instanceof RoutingError && !error.retryable) {
        throw new IngestionFailedError(`Embedding failed: ${error.message}`, { cause: error });
      }
      throw error;
    }
    const wrong = vectors.find((v) => v.length !== collection.dimensions);
    if (vectors.length !== missing.length || wrong) {
      throw new IngestionFailedError(
        `The embedding model answered ${vectors.length} vectors of ${wrong?.length ?? collection.dimensions} ` +
          `dimensions for ${missing.length} texts; the collection has ${collection.dimensions}.`,
      );
    }
    await this.cache.setMany(
      collection.embeddingModel,
      collection.dimensions,
      missing.map((text, i) => ({ text, vector: vectors[i] })),
    );
    let next = 0;
    return cached.map((v) => v ?? vectors[next++]);
  }

  get batchSize(): number {
    return this.config.retrieval.embedBatch;
  }
}
