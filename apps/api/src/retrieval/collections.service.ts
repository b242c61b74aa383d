import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@switchboard/auth';
import type { Tier } from '@switchboard/catalogue';
import { LlmService, RoutingError, type CatalogueModel } from '@switchboard/llm';
import {
  CollectionNameTakenError,
  CollectionsRepository,
  StoreUnavailableError,
  VECTOR_STORE,
  chooseEmbeddingModel,
  chunkingStrategySchema,
  type CollectionRecord,
  type VectorStore,
} from '@switchboard/retrieval';
import { randomUUID } from 'node:crypto';
import { ProblemException } from '../problems/problem';
import { createCollectionSchema } from './create-collection.request';
import {
  collectionNotFound,
  invalidInput,
  parseBody,
  storeUnavailable,
} from './retrieval-problems';
import { toCollectionView, type CollectionView } from './retrieval.views';

/** Collections: the PostgreSQL record and the store-side collection, created and dropped together. */
@Injectable()
export class CollectionsService {
  constructor(
    private readonly llm: LlmService,
    private readonly collections: CollectionsRepository,
    @Inject(VECTOR_STORE) private readonly store: VectorStore,
  ) {}

  async create(principal: Principal, body: unknown): Promise<CollectionView> {
    const request = parseBody(createCollectionSchema, body);
    const choice = chooseEmbeddingModel(this.llm.models(), request.embeddingModel, request.privacy);
    if (!choice.ok) throw invalidInput([{ field: 'embeddingModel', message: choice.message }]);
    const dimensions =
      choice.model.dimensions ??
      (await this.measure(principal, choice.model, choice.tier, request.privacy));
    let record: CollectionRecord;
    try {
      record = await this.collections.create({
        tenantId: principal.tenantId,
        name: request.name,
        description: request.description ?? null,
        embeddingModel: choice.model.key,
        dimensions,
        embeddingTier: choice.tier,
        privacy: request.privacy,
        chunking: request.chunking ?? chunkingStrategySchema.parse({}),
        store: this.store.kind,
        fields: request.fields,
      });
    } catch (error) {
      if (error instanceof CollectionNameTakenError) {
        throw new ProblemException(409, 'conflict', error.message, { field: 'name' });
      }
      throw error;
    }
    try {
      await this.store.createCollection({
        id: record.storeCollectionId,
        dimension: dimensions,
        fields: record.fields,
      });
    } catch (error) {
      await this.collections.delete(principal.tenantId, record.id);
      if (error instanceof StoreUnavailableError) throw storeUnavailable(error.message);
      throw error;
    }
    return toCollectionView(record, {});
  }

  async list(principal: Principal): Promise<CollectionView[]> {
    return (await this.collections.list(principal.tenantId)).map((c) => toCollectionView(c));
  }

  async get(principal: Principal, id: string): Promise<CollectionView> {
    const record = await this.require(principal, id);
    return toCollectionView(record, await this.collections.documentCounts(record.id));
  }

  /** Drops the store's data first: a failure there leaves the collection to delete again. */
  async delete(principal: Principal, id: string): Promise<void> {
    const record = await this.require(principal, id);
    try {
      await this.store.drop(record.storeCollectionId);
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw storeUnavailable(error.message);
      throw error;
    }
    await this.collections.delete(principal.tenantId, record.id);
  }

  async require(principal: Principal, id: string): Promise<CollectionRecord> {
    const record = await this.collections.get(principal.tenantId, id);
    if (!record) throw collectionNotFound(id);
    return record;
  }

  /** A model the catalogue gives no `dimensions`: one short embedding call tells. */
  private async measure(
    principal: Principal,
    model: CatalogueModel,
    tier: Tier,
    privacy: boolean,
  ): Promise<number> {
    const client = this.llm.clientFor({
      tier,
      privacy,
      job: { jobId: randomUUID(), tenantId: principal.tenantId, apiKeyId: principal.keyId },
    });
    try {
      const answer = await client.embed({ input: ['dimensions'], model: model.key });
      return answer.embeddings[0].length;
    } catch (error) {
      if (error instanceof RoutingError) {
        throw new ProblemException(
          error.retryable ? 503 : 400,
          'embedding-model-unavailable',
          `Could not measure the dimensions of "${model.key}": ${error.message}`,
        );
      }
      throw error;
    }
  }
}
