import type { Tier } from '@switchboard/catalogue';
import type { FusionSpec, RetrievalFilter, SearchMode } from '../stores';

/** A search over one collection, as the API, the search tool and the eval harness ask it. */
export interface SearchQuery {
  text: string;
  mode: SearchMode;
  /** Results wanted, 1..50. Reranking over-fetches twice `k`. */
  k: number;
  filter?: RetrievalFilter;
  /** Hybrid only: weighted normalised fusion (70:30 by default) or RRF. */
  fusion?: FusionSpec;
  rerank?: {
    /** `model`: a catalogue `rerank` model through the router; `llm`: a listwise LLM rerank. */
    method: 'model' | 'llm';
    /** Tier of the rerank call (the collection's embedding tier by default). */
    tier?: Tier;
  };
  /** Multi-query rewriting: this many LLM-written variants, fused with the original (RRF). */
  rewrite?: { queries: number; tier?: Tier };
  /** Trim the hits, best first, into a context of at most this many tokens. */
  contextTokens?: number;
}

export interface SearchResultHit {
  chunkId: string;
  documentId: string;
  text: string;
  /** The ranking score (after rerank when reranked). */
  score: number;
  scores: { dense?: number; keyword?: number; fused?: number; rerank?: number };
  document: { id: string; source: string; title: string | null; docType: string };
  metadata: Record<string, unknown>;
}

export interface SearchResults {
  hits: SearchResultHit[];
  /** The queries run (the original first) when rewriting was asked for. */
  queries?: string[];
  /** With `contextTokens`: the hits' texts that fit, best first, and their chunk ids. */
  context?: { text: string; chunkIds: string[]; tokens: number };
  /**
   * How the rerank went, when one was asked for: `fallback` says why the fused order was kept
   * (an unusable listwise answer), and the hits are then in fused order.
   */
  rerank?: { method: 'model' | 'llm'; model?: string; applied: boolean; fallback?: string };
  /** Spend of the search's own LLM calls (query embedding, rewriting, rerank). */
  usage: { inputTokens: number; outputTokens: number; costMicros: number };
}
