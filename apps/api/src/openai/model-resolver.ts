import { Injectable } from '@nestjs/common';
import { TIERS, type Tier } from '@switchboard/catalogue';
import { LlmService, type CatalogueModel } from '@switchboard/llm';
import { OpenAiException } from './openai-error';
import { tierOfAlias } from './tier-alias';

/** Where a chat completion runs: a tier, and the model pinned within it (none for an alias). */
export interface ChatTarget {
  tier: Tier;
  model?: string;
  /** The largest context window among the models that could serve it; none if none can. */
  contextWindow?: number;
}

/**
 * Turns an OpenAI `model` into a tier and an optional pinned model: `tier-N` is tier N with
 * the router's choice; a catalogue model (`id` or `provider/id`) runs at the lowest tier it
 * serves. A private request may only name local models, since nothing private leaves the host.
 */
@Injectable()
export class ModelResolver {
  constructor(private readonly llm: LlmService) {}

  resolve(name: string, privacy: boolean): ChatTarget {
    const aliasTier = tierOfAlias(name);
    if (aliasTier !== undefined) {
      return {
        tier: aliasTier,
        contextWindow: largestWindow(this.llm.models(), aliasTier, privacy),
      };
    }
    const named = this.llm.models().filter((m) => m.key === name || m.id === name);
    if (named.length === 0) {
      throw new OpenAiException(404, {
        message:
          `The model '${name}' does not exist. Use a tier alias (tier-0 … tier-3) or a ` +
          'catalogue model; GET /v1/models lists them.',
        type: 'invalid_request_error',
        param: 'model',
        code: 'model_not_found',
      });
    }
    const tier = lowestTier(named, privacy);
    if (tier === undefined) {
      throw new OpenAiException(400, {
        message:
          `The model '${name}' is not a local model; a private request ` +
          '(X-Switchboard-Privacy: true) may only use local models.',
        type: 'invalid_request_error',
        param: 'model',
        code: 'model_not_local',
      });
    }
    return { tier, model: name, contextWindow: largestWindow(named, tier, privacy) };
  }
}

/** As the router plans: chat models of the tier, local ones only for tier 0 and privacy. */
function largestWindow(
  models: readonly CatalogueModel[],
  tier: Tier,
  privacy: boolean,
): number | undefined {
  const windows = models
    .filter((m) => m.tiers.includes(tier) && m.capabilities.includes('chat'))
    .filter((m) => m.local || (!privacy && tier !== 0))
    .map((m) => m.contextWindow);
  return windows.length > 0 ? Math.max(...windows) : undefined;
}

/** The router serves tier 0 and private jobs with local models only. */
function lowestTier(models: readonly CatalogueModel[], privacy: boolean): Tier | undefined {
  return TIERS.find((tier) =>
    models.some((m) => m.tiers.includes(tier) && (m.local || (!privacy && tier !== 0))),
  );
}
