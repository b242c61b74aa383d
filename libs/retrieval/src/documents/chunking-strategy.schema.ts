import { z } from 'zod';

export const CHUNKING_STRATEGIES = [
  'fixed',
  'recursive',
  'markdown',
  'code',
  'json',
  'semantic',
  'auto',
] as const;

/** How a collection's documents are chunked; `auto` chooses by document type. */
export const chunkingStrategySchema = z
  .object({
    strategy: z.enum(CHUNKING_STRATEGIES).default('auto'),
    /** Upper bound of a chunk, in o200k tokens. */
    maxTokens: z.number().int().min(32).max(8192).default(512),
    /** Tokens a chunk repeats from the one before (fixed and recursive; Markdown between blocks). */
    overlapTokens: z.number().int().min(0).max(4096).default(64),
    /** Semantic: adjacent sentences less similar (cosine) than this start a new chunk. */
    threshold: z.number().min(-1).max(1).default(0.7),
  })
  .refine((s) => s.overlapTokens <= s.maxTokens / 2, {
    message: 'overlapTokens must be at most half of maxTokens',
    path: ['overlapTokens'],
  });

export type ChunkingStrategySpec = z.infer<typeof chunkingStrategySchema>;
export type ChunkingStrategyInput = z.input<typeof chunkingStrategySchema>;
export type ChunkingStrategy = (typeof CHUNKING_STRATEGIES)[number];
