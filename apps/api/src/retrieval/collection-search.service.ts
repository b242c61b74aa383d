import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@switchboard/auth';
import { BudgetExceededError, LlmService, RoutingError } from '@switchboard/llm';
import {
  COLLECTION_LOOKUP,
  InvalidStoreRequestError,
  RetrievalFilterError,
  SearchService,
  StoreUnavailableError,
  type CollectionLookup,
  type SearchResults,
  type TieredLlm,
} from '@switchboard/retrieval';
import { ProblemException } from '../problems/problem';
import { parseCollectionSearch } from './collection-search.request';
import { collectionNotFound, invalidInput, storeUnavailable } from './retrieval-problems';

/**
 * POST /v1/collections/:id/search: one search, made by the API itself (no job). Its LLM calls
 * (query embedding, rewriting, rerank) are the tenant's, as POST /v1/embeddings does: budgeted
 * for the tenant and the key, logged under the request's id; a private collection routes
 * them to local providers only.
 */
@Injectable()
export class CollectionSearchService {
  constructor(
    @Inject(COLLECTION_LOOKUP) private readonly collections: CollectionLookup,
    private readonly search: SearchService,
    private readonly llm: LlmService,
  ) {}

  async run(
    principal: Principal,
    collectionId: string,
    body: unknown,
    requestId: string,
    signal: AbortSignal,
  ): Promise<SearchResults> {
    const query = parseCollectionSearch(body);
    const collection = await this.collections.get(principal.tenantId, collectionId);
    if (!collection) throw collectionNotFound(collectionId);
    const llm: TieredLlm = {
      at: (tier) =>
        this.llm.clientFor({
          tier,
          privacy: collection.privacy,
          signal,
          job: { jobId: requestId, tenantId: principal.tenantId, apiKeyId: principal.keyId },
        }),
    };
    try {
      return await this.search.search(collection, query, llm, signal);
    } catch (error) {
      throw toProblem(error);
    }
  }
}

function toProblem(error: unknown): unknown {
  if (error instanceof RetrievalFilterError) {
    const field = error.field.startsWith('(') ? 'filter' : `filter.${error.field}`;
    return invalidInput([{ field, message: error.message }]);
  }
  if (error instanceof InvalidStoreRequestError) {
    return invalidInput([{ field: '(body)', message: error.message }]);
  }
  if (error instanceof StoreUnavailableError) return storeUnavailable(error.message);
  if (error instanceof BudgetExceededError) {
    return new ProblemException(402, 'budget-exhausted', error.message);
  }
  if (error instanceof RoutingError) {
    return new ProblemException(502, 'llm-unavailable', error.message);
  }
  return error;
}
