import { z } from 'zod';
import { PROVIDER_KINDS } from '../providers/provider.types';

export const CAPABILITIES = [
  'chat',
  'vision',
  'tools',
  'json_schema',
  'embeddings',
  'rerank',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

export const ROUTING_STRATEGIES = ['priority', 'cheapest', 'fastest'] as const;
export type RoutingStrategy = (typeof ROUTING_STRATEGIES)[number];

/** Integer micro-dollars per million tokens. */
const price = z.number().int().nonnegative();

const providerSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'lowercase letters, digits, _ . - (max 64)'),
  kind: z.enum(PROVIDER_KINDS),
  baseURL: z.url().optional(),
  /** The environment variable holding the API key (never the key itself). */
  apiKeyEnv: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/)
    .optional(),
  headers: z.record(z.string(), z.string()).optional(),
  /** Runs on your own hardware: the only kind of provider private jobs may reach. */
  local: z.boolean().default(false),
  /** Per attempt: time to the response, and for streams the longest gap between chunks. */
  timeoutMs: z.number().int().min(100).max(3_600_000).optional(),
});

const modelSchema = z.strictObject({
  provider: z.string(),
  /** The provider's own model id. */
  id: z.string().min(1).max(200),
  tiers: z.array(z.number().int().min(0).max(3)).min(1),
  capabilities: z.array(z.enum(CAPABILITIES)).min(1),
  contextWindow: z.number().int().positive(),
  /** Embedding models: the size of their vectors (collections are created with it). */
  dimensions: z.number().int().min(1).max(65_536).optional(),
  /**
   * How many input tokens the provider may count per o200k token we count: budgets reserve
   * input at that bound. Without it the bound is the prompt's UTF-8 bytes plus framing, which
   * no byte-level BPE tokenizer exceeds (safe for any model, but reserves more).
   */
  inputTokenFactor: z.number().min(0.1).max(16).optional(),
  /** Defaults to the provider's `local`. */
  local: z.boolean().optional(),
  prices: z.strictObject({ input: price, output: price, cachedInput: price.optional() }).optional(),
  /** Lower goes first under the `priority` strategy; by default, the order in this file. */
  priority: z.number().int().optional(),
});

export const modelCatalogueSchema = z.strictObject({
  /** The file format's version; bump it with a migration note when the format changes. */
  version: z.literal(1),
  providers: z.array(providerSchema).min(1),
  models: z.array(modelSchema).min(1),
  /** Candidate order per tier; `priority` where absent. */
  routing: z
    .partialRecord(
      z.enum(['0', '1', '2', '3']),
      z.strictObject({ strategy: z.enum(ROUTING_STRATEGIES) }),
    )
    .optional(),
});

export type ModelCatalogueFile = z.infer<typeof modelCatalogueSchema>;
export type ProviderEntry = ModelCatalogueFile['providers'][number];
export type ModelEntry = ModelCatalogueFile['models'][number];
