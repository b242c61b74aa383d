import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Tier } from '@switchboard/catalogue';
import type { LlmClient } from '@switchboard/llm';
import type { CollectionRecord } from '../collections';
import { DOCUMENT_INFO_LOOKUP, VECTOR_STORE } from '../retrieval.tokens';
import { MAX_SEARCH_K, type SearchHit, type VectorStore } from '../stores';
import { trimToContext } from './context-trim';
import type { DocumentInfo, DocumentInfoLookup } from './document-info.lookup';
import { listwiseRerank } from './listwise-rerank';
import { fuseQueryLists } from './multi-query-fusion';
import { rewriteQuery } from './query-rewrite';
import { checkSearchQuery } from './search-query.check';
import { addUsage, noUsage, type SearchUsage } from './search-usage';
import type { SearchQuery, SearchResultHit, SearchResults } from './search.types';

/** The search's LLM calls at a tier: the embedding tier, or the rerank/rewrite tier asked. */
export interface TieredLlm {
  at(tier: Tier): LlmClient;
}

/** A ranked candidate before documents are attached. */
interface Candidate {
  hit: SearchHit;
  score: number;
  scores: SearchResultHit['scores'];
}

/**
 * Searches one collection: embeds the query (the collection's model and dimensions), runs the
 * store's dense, keyword or hybrid search, optionally with LLM-written query variants fused by
 * RRF, optionally reranked (a rerank model, or a listwise LLM ranking) over twice `k`
 * candidates, then attaches the documents and packs a context within a token budget.
 *
 * The caller owns routing: `llm` must already be bound to the tenant (budget, invocation log)
 * and, for a private collection, to `privacy: true` — search does not re-route anything.
 * A plain `LlmClient` serves every call at its own tier; a `TieredLlm` lets the rerank and
 * rewrite calls run at their configured tiers (the embedding tier by default).
 *
 * Store errors propagate: RetrievalFilterError (400, names the field), StoreUnavailableError
 * (503), InvalidStoreRequestError (400). LLM errors (RoutingError, budget) propagate too.
 */
@Injectable()
export class SearchService {
  constructor(
    @Inject(VECTOR_STORE) private readonly store: VectorStore,
    @Optional() @Inject(DOCUMENT_INFO_LOOKUP) private readonly documents?: DocumentInfoLookup,
  ) {}

  async search(
    collection: CollectionRecord,
    query: SearchQuery,
    llm: LlmClient | TieredLlm,
    signal?: AbortSignal,
  ): Promise<SearchResults> {
    checkSearchQuery(query);
    const usage = noUsage();
    const at = (tier?: Tier): LlmClient =>
      'at' in llm ? llm.at(tier ?? collection.embeddingTier) : llm;
    const fetchK = query.rerank ? Math.min(query.k * 2, MAX_SEARCH_K) : query.k;

    const queries = [query.text];
    if (query.rewrite && query.rewrite.queries > 0) {
      const rewritten = await rewriteQuery(
        at(query.rewrite.tier),
        query.text,
        query.rewrite.queries,
      );
      addUsage(usage, rewritten.usage);
      queries.push(...rewritten.queries);
    }
    signal?.throwIfAborted();

    const vectors = await this.embedQueries(collection, query, queries, at(), usage);
    signal?.throwIfAborted();
    const lists = await Promise.all(
      queries.map((text, i) =>
        this.store.search(collection.storeCollectionId, {
          mode: query.mode,
          vector: vectors?.[i],
          text,
          k: fetchK,
          filter: query.filter,
          fusion: query.mode === 'hybrid' ? query.fusion : undefined,
        }),
      ),
    );
    let candidates = this.merge(queries, lists).slice(0, fetchK);
    signal?.throwIfAborted();

    let rerank: SearchResults['rerank'];
    if (query.rerank && candidates.length > 0) {
      const outcome = await this.rerank(query, candidates, at(query.rerank.tier), usage);
      candidates = outcome.candidates;
      rerank = outcome.report;
    } else if (query.rerank) {
      rerank = { method: query.rerank.method, applied: false, fallback: 'no candidates' };
    }

    const top = candidates.slice(0, query.k);
    const hits = await this.withDocuments(collection, top);
    const results: SearchResults = { hits, usage };
    if (queries.length > 1 || query.rewrite) results.queries = queries;
    if (rerank) results.rerank = rerank;
    if (query.contextTokens !== undefined) {
      results.context = trimToContext(hits, query.contextTokens);
    }
    return results;
  }

  private async embedQueries(
    collection: CollectionRecord,
    query: SearchQuery,
    queries: string[],
    llm: LlmClient,
    usage: SearchUsage,
  ): Promise<number[][] | undefined> {
    if (query.mode === 'keyword') return undefined;
    const response = await llm.embed({
      input: queries,
      model: collection.embeddingModel,
      dimensions: collection.dimensions,
    });
    addUsage(usage, response.usage);
    return response.embeddings;
  }

  /** One query: the store's order. Several: RRF over their lists (the fused score is RRF's). */
  private merge(queries: string[], lists: SearchHit[][]): Candidate[] {
    const scoresOf = (hit: SearchHit): SearchResultHit['scores'] => ({
      dense: hit.scores.dense,
      keyword: hit.scores.keyword,
      fused: hit.scores.fused,
    });
    if (lists.length === 1) {
      return lists[0].map((hit) => ({ hit, score: hit.scores.fused, scores: scoresOf(hit) }));
    }
    return fuseQueryLists(lists.map((hits, i) => ({ query: queries[i], hits }))).map(
      ({ hit, fused }) => ({ hit, score: fused, scores: { ...scoresOf(hit), fused } }),
    );
  }

  private async rerank(
    query: SearchQuery,
    candidates: Candidate[],
    llm: LlmClient,
    usage: SearchUsage,
  ): Promise<{ candidates: Candidate[]; report: NonNullable<SearchResults['rerank']> }> {
    const method = query.rerank!.method;
    if (method === 'model') {
      const response = await llm.rerank({
        query: query.text,
        documents: candidates.map((c) => c.hit.text),
        topN: Math.min(query.k, candidates.length),
      });
      addUsage(usage, response.usage);
      const seen = new Set<number>();
      const ranked = response.results
        .filter(
          (r) =>
            r.index >= 0 && r.index < candidates.length && !seen.has(r.index) && seen.add(r.index),
        )
        .map(({ index, score }) => ({
          ...candidates[index],
          score,
          scores: { ...candidates[index].scores, rerank: score },
        }));
      return { candidates: ranked, report: { method, model: response.model, applied: true } };
    }
    const outcome = await listwiseRerank(
      llm,
      query.text,
      candidates.map((c) => ({ chunkId: c.hit.chunkId, text: c.hit.text })),
    );
    addUsage(usage, outcome.usage);
    if (!outcome.order) {
      return { candidates, report: { method, applied: false, fallback: outcome.reason } };
    }
    const n = outcome.order.length;
    const ranked = outcome.order.map((index, position) => {
      const score = (n - position) / n; // listwise: the position, as 1 (best) down to 1/n
      return {
        ...candidates[index],
        score,
        scores: { ...candidates[index].scores, rerank: score },
      };
    });
    return { candidates: ranked, report: { method, applied: true } };
  }

  private async withDocuments(
    collection: CollectionRecord,
    candidates: Candidate[],
  ): Promise<SearchResultHit[]> {
    const ids = [...new Set(candidates.map((c) => c.hit.documentId))];
    const known: Map<string, DocumentInfo> =
      this.documents && ids.length > 0
        ? await this.documents.get(collection.id, ids)
        : new Map<string, DocumentInfo>();
    return candidates.map(({ hit, score, scores }) => {
      const info = known.get(hit.documentId);
      return {
        chunkId: hit.chunkId,
        documentId: hit.documentId,
        text: hit.text,
        score,
        scores: dropUndefined(scores),
        document: {
          id: hit.documentId,
          source: info?.source ?? hit.metadata.source,
          title: info?.title ?? null,
          docType: info?.docType ?? hit.metadata.doc_type,
        },
        metadata: { ...hit.metadata },
      };
    });
  }
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
