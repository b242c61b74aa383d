import type { SearchQuery } from '@switchboard/retrieval';
import { MAX_RESULTS, MAX_REWRITES, type RetrievalFilter } from '@switchboard/retrieval';
import { z } from 'zod';
import { invalidInput, parseBody } from './retrieval-problems';

const tier = z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]);
const bound = z.union([z.number(), z.string().min(1).max(64)]);
const field = z.string().min(1).max(64);

/** The filter language (see RetrievalFilter); fields and types are checked by the store. */
const filterSchema: z.ZodType<RetrievalFilter> = z.lazy(() =>
  z.discriminatedUnion('op', [
    z.strictObject({
      op: z.literal('eq'),
      field,
      value: z.union([z.string(), z.number(), z.boolean()]),
    }),
    z.strictObject({
      op: z.literal('in'),
      field,
      values: z
        .array(z.union([z.string(), z.number()]))
        .min(1)
        .max(1000),
    }),
    z.strictObject({
      op: z.literal('range'),
      field,
      gt: bound.optional(),
      gte: bound.optional(),
      lt: bound.optional(),
      lte: bound.optional(),
    }),
    z.strictObject({
      op: z.literal('tagsAny'),
      field,
      values: z.array(z.string()).min(1).max(1000),
    }),
    z.strictObject({
      op: z.literal('tagsAll'),
      field,
      values: z.array(z.string()).min(1).max(1000),
    }),
    z.strictObject({ op: z.literal('and'), filters: z.array(filterSchema).min(1).max(32) }),
    z.strictObject({ op: z.literal('or'), filters: z.array(filterSchema).min(1).max(32) }),
  ]),
);

export const collectionSearchSchema = z.strictObject({
  query: z.string().trim().min(1).max(4_000),
  mode: z.enum(['dense', 'keyword', 'hybrid']).default('hybrid'),
  k: z.number().int().min(1).max(MAX_RESULTS).default(10),
  filter: filterSchema.optional(),
  fusion: z
    .discriminatedUnion('method', [
      z.strictObject({
        method: z.literal('weighted'),
        denseWeight: z.number().min(0).max(1).optional(),
      }),
      z.strictObject({ method: z.literal('rrf'), k: z.number().int().min(0).max(1000).optional() }),
      z.strictObject({ method: z.literal('dbsf') }),
    ])
    .optional(),
  rerank: z.strictObject({ method: z.enum(['model', 'llm']), tier: tier.optional() }).optional(),
  rewrite: z
    .strictObject({ queries: z.number().int().min(1).max(MAX_REWRITES), tier: tier.optional() })
    .optional(),
  contextTokens: z.number().int().min(1).max(200_000).optional(),
});

/** A POST /v1/collections/:id/search body as a SearchQuery, or a 400 naming each bad field. */
export function parseCollectionSearch(body: unknown): SearchQuery {
  const { query, ...rest } = parseBody(collectionSearchSchema, body);
  if (rest.fusion && rest.mode !== 'hybrid') {
    throw invalidInput([{ field: 'fusion', message: 'applies to hybrid searches only' }]);
  }
  return { text: query, ...rest };
}
