import { TIERS, type Tier } from '@switchboard/catalogue';
import type { CatalogueModel } from '@switchboard/llm';

export type EmbeddingModelChoice =
  | { ok: true; model: CatalogueModel; tier: Tier }
  | { ok: false; reason: 'unknown' | 'not-embeddings' | 'not-local'; message: string };

/** As the router plans: local models only for tier 0 and private calls. */
function serves(model: CatalogueModel, tier: Tier, privacy: boolean): boolean {
  return model.tiers.includes(tier) && (model.local || (!privacy && tier !== 0));
}

/**
 * A collection's embedding model, named by catalogue key (`provider/id`) or id, and the
 * lowest tier it can run at for the collection (private collections: local models only).
 */
export function chooseEmbeddingModel(
  models: readonly CatalogueModel[],
  name: string,
  privacy: boolean,
): EmbeddingModelChoice {
  const named = models.filter((m) => m.key === name || m.id === name);
  if (named.length === 0) {
    return { ok: false, reason: 'unknown', message: `No catalogue model is named "${name}".` };
  }
  const able = named.filter((m) => m.capabilities.includes('embeddings'));
  if (able.length === 0) {
    return {
      ok: false,
      reason: 'not-embeddings',
      message: `The model "${name}" is not an embeddings model.`,
    };
  }
  for (const tier of TIERS) {
    const model = able.find((m) => serves(m, tier, privacy));
    if (model) return { ok: true, model, tier };
  }
  return {
    ok: false,
    reason: 'not-local',
    message: `The model "${name}" is not a local model; a private collection embeds only with local models.`,
  };
}
