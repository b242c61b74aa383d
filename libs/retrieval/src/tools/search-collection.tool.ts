import { Inject } from '@nestjs/common';
import { LlmService } from '@switchboard/llm';
import {
  LocalTool,
  type LocalToolHandler,
  type ToolCallContext,
  type ToolOutput,
} from '@switchboard/tools';
import { z } from 'zod';
import type { CollectionLookup } from '../collections';
import { COLLECTION_LOOKUP } from '../retrieval.tokens';
import { SearchService, type TieredLlm } from '../search/search.service';
import type { RetrievalFilter } from '../stores';
import { RetrievalStoreError } from '../stores';

/** Each hit's text is cut to this many characters in what the model reads. */
const HIT_TEXT_CHARS = 1_500;

const input = z.strictObject({
  collection: z.string().min(1).max(200).describe('The collection id to search'),
  query: z.string().min(1).max(2_000).describe('What to look for, in natural language'),
  k: z.number().int().min(1).max(20).default(5).describe('How many passages (default 5)'),
  mode: z
    .enum(['dense', 'keyword', 'hybrid'])
    .default('hybrid')
    .describe('hybrid (default), dense (meaning) or keyword (exact terms)'),
  filter: z
    .record(z.string(), z.unknown())
    .optional()
    .describe(
      'Optional metadata filter, e.g. {"op":"eq","field":"doc_type","value":"markdown"}; ' +
        'ops: eq, in, range, tagsAny, tagsAll, and, or',
    ),
});

/** One passage as the model reads it; cite it by `chunkId`. */
export interface SearchToolHit {
  chunkId: string;
  documentId: string;
  source: string;
  title: string | null;
  score: number;
  text: string;
}

export interface SearchToolData {
  collection: string;
  query: string;
  hits: SearchToolHit[];
}

/**
 * `search_collection`: searches one of the job's tenant's collections and returns passages
 * with their chunk ids (what a researcher cites). The tenant is the job's, never an argument:
 * another tenant's collection is "not found". Its LLM calls (the query embedding) are the
 * job's: budgeted for its tenant, logged under its id, private when the job or the collection
 * is (so it may serve private jobs: nothing leaves the machine then).
 */
@LocalTool({
  name: 'search_collection',
  description:
    'Search a document collection for passages relevant to a query. Returns passages with ' +
    'their chunkId, documentId and source; cite passages by chunkId.',
  input,
  privacyCompatible: true,
  timeoutMs: 30_000,
})
export class SearchCollectionTool implements LocalToolHandler<typeof input> {
  constructor(
    @Inject(COLLECTION_LOOKUP) private readonly collections: CollectionLookup,
    private readonly search: SearchService,
    private readonly llm: LlmService,
  ) {}

  async run(args: z.output<typeof input>, ctx: ToolCallContext): Promise<ToolOutput> {
    const collection = await this.collections.get(ctx.tenantId, args.collection);
    if (!collection) {
      return { content: `No collection "${args.collection}" (check the id)`, isError: true };
    }
    const privacy = ctx.privacy || collection.privacy;
    const llm: TieredLlm = {
      at: (tier) =>
        this.llm.clientFor({
          tier,
          privacy,
          signal: ctx.signal,
          job: { jobId: ctx.jobId, tenantId: ctx.tenantId, role: ctx.role },
        }),
    };
    try {
      const results = await this.search.search(
        collection,
        {
          text: args.query,
          mode: args.mode,
          k: args.k,
          filter: args.filter as RetrievalFilter | undefined,
        },
        llm,
        ctx.signal,
      );
      const data: SearchToolData = {
        collection: collection.id,
        query: args.query,
        hits: results.hits.map((h) => ({
          chunkId: h.chunkId,
          documentId: h.documentId,
          source: h.document.source,
          title: h.document.title,
          score: Math.round(h.score * 10_000) / 10_000,
          text: h.text.slice(0, HIT_TEXT_CHARS),
        })),
      };
      return { content: JSON.stringify(data), data };
    } catch (error) {
      // The model can fix a bad filter or try later; anything else is the loop's to report.
      if (error instanceof RetrievalStoreError) return { content: error.message, isError: true };
      throw error;
    }
  }
}
