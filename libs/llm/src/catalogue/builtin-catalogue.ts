import type { ModelCatalogueFile } from './model-catalogue.schema';

/**
 * Used when no LLM_CATALOGUE_FILE is set: the simulated provider, one model per tier, so
 * `npm start` works with no keys. Production refuses it unless LLM_ALLOW_SIMULATED is set.
 */
export const BUILTIN_CATALOGUE: ModelCatalogueFile = {
  version: 1,
  providers: [{ name: 'simulated', kind: 'simulated', local: true }],
  models: [
    {
      provider: 'simulated',
      id: 'simulated-local',
      tiers: [0],
      capabilities: ['chat', 'embeddings'],
      contextWindow: 32_768,
      prices: { input: 0, output: 0 },
    },
    {
      provider: 'simulated',
      id: 'simulated-economy',
      tiers: [1],
      capabilities: ['chat', 'embeddings'],
      contextWindow: 32_768,
      prices: { input: 100_000, output: 400_000, cachedInput: 50_000 },
    },
    {
      provider: 'simulated',
      id: 'simulated-standard',
      tiers: [2],
      capabilities: ['chat', 'vision', 'tools'],
      contextWindow: 128_000,
      prices: { input: 1_000_000, output: 4_000_000, cachedInput: 500_000 },
    },
    {
      provider: 'simulated',
      id: 'simulated-premium',
      tiers: [3],
      capabilities: ['chat', 'vision', 'tools'],
      contextWindow: 200_000,
      prices: { input: 5_000_000, output: 20_000_000, cachedInput: 2_500_000 },
    },
  ],
};
