import type { ModelCatalogueFile } from './model-catalogue.schema';

/**
 * Used when no LLM_CATALOGUE_FILE is set: the simulated provider, one model per tier, so
 * `npm start` works with no keys. Production refuses it unless LLM_ALLOW_SIMULATED is set.
 * Every model calls tools and answers JSON schemas (tier 0 too: local private agents use
 * tools); vision from tier 2, as with real models. A rerank model serves
 * tiers 0 and 1.
 */
export const BUILTIN_CATALOGUE: ModelCatalogueFile = {
  version: 1,
  providers: [{ name: 'simulated', kind: 'simulated', local: true }],
  models: [
    {
      provider: 'simulated',
      id: 'simulated-local',
      tiers: [0],
      capabilities: ['chat', 'tools', 'json_schema', 'embeddings'],
      contextWindow: 32_768,
      dimensions: 256,
      prices: { input: 0, output: 0 },
    },
    {
      provider: 'simulated',
      id: 'simulated-economy',
      tiers: [1],
      capabilities: ['chat', 'tools', 'json_schema', 'embeddings'],
      contextWindow: 32_768,
      dimensions: 256,
      prices: { input: 100_000, output: 400_000, cachedInput: 50_000 },
    },
    {
      provider: 'simulated',
      id: 'simulated-standard',
      tiers: [2],
      capabilities: ['chat', 'vision', 'tools', 'json_schema'],
      contextWindow: 128_000,
      prices: { input: 1_000_000, output: 4_000_000, cachedInput: 500_000 },
    },
    {
      provider: 'simulated',
      id: 'simulated-premium',
      tiers: [3],
      capabilities: ['chat', 'vision', 'tools', 'json_schema'],
      contextWindow: 200_000,
      prices: { input: 5_000_000, output: 20_000_000, cachedInput: 2_500_000 },
    },
    {
      provider: 'simulated',
      id: 'simulated-rerank',
      tiers: [0, 1],
      capabilities: ['rerank'],
      contextWindow: 32_768,
      prices: { input: 20_000, output: 0 },
    },
  ],
};
