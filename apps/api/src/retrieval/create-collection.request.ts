import { BUILT_IN_FIELDS, chunkingStrategySchema } from '@switchboard/retrieval';
import { z } from 'zod';

const FIELD_TYPES = ['keyword', 'number', 'datetime', 'boolean', 'tags'] as const;
const RESERVED = new Set(['id', 'chunk_id', 'text', 'vector', 'extra_json', 'metadata']);

/** POST /v1/collections. */
export const createCollectionSchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]*$/, 'letters, digits, space, "_", "." or "-"'),
  description: z.string().max(2_000).optional(),
  /** A catalogue key (`provider/id`) or id of an `embeddings` model. */
  embeddingModel: z.string().min(1).max(200),
  chunking: chunkingStrategySchema.optional(),
  privacy: z.boolean().default(false),
  fields: z
    .record(
      z
        .string()
        .regex(/^[a-z][a-z0-9_]{0,62}$/, 'lower-case snake_case')
        .refine((k) => !RESERVED.has(k) && !(k in BUILT_IN_FIELDS), 'reserved or built in'),
      z.enum(FIELD_TYPES),
    )
    .default({}),
});

export type CreateCollectionRequest = z.output<typeof createCollectionSchema>;
