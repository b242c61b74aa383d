import { Injectable } from '@nestjs/common';
import { TIERS, type Tier } from '@switchboard/catalogue';
import { LlmService, estimateTokens, type CatalogueModel } from '@switchboard/llm';
import { OpenAiException, invalidRequest } from './openai-error';
import { tierOfAlias } from './tier-alias';

/** Where an embeddings request runs: a tier, and the model pinned within it (none for an alias). */
export interface EmbeddingTarget {
  tier: Tier;
  model?: string;
}

/**
 * Turns an embeddings request's `model` into a tier and an optional pinned model, as the
 * chat front door does, among the catalogue's `embeddings` models; then refuses an input
 * longer than the largest context window of the models that could embed it (400
 * `context_length_exceeded`), before any reservation or provider call.
 */
@Injectable()
export class EmbeddingTargets {
  constructor(private readonly llm: LlmService) {}

  resolve(name: string, privacy: boolean, input: readonly string[]): EmbeddingTarget {
    const embedders = this.llm.models().filter((m) => m.capabilities.includes('embeddings'));
    const aliasTier = tierOfAlias(name);
    if (aliasTier !== undefined) {
      const serving = embedders.filter((m) => serves(m, aliasTier, privacy));
      if (serving.length === 0) {
        throw invalidRequest(
          `No embedding model serves '${name}'${privacy ? ' for a private request' : ''}. ` +
            'GET /v1/models lists the models and their capabilities.',
          'model',
          'model_not_supported',
        );
      }
      checkLength(input, serving, `the models serving '${name}'`);
      return { tier: aliasTier };
    }
    const named = this.llm.models().filter((m) => m.key === name || m.id === name);
    if (named.length === 0) {
      throw new OpenAiException(404, {
        message:
          `The model '${name}' does not exist. Use a tier alias (tier-0 … tier-3) or a ` +
          'catalogue embedding model; GET /v1/models lists them.',
        type: 'invalid_request_error',
        param: 'model',
        code: 'model_not_found',
      });
    }
    const able = named.filter((m) => m.capabilities.includes('embeddings'));
    if (able.length === 0) {
      throw invalidRequest(
        `The model '${name}' is not an embedding model.`,
        'model',
        'model_not_supported',
      );
    }
    const tier = TIERS.find((t) => able.some((m) => serves(m, t, privacy)));
    if (tier === undefined) {
      throw invalidRequest(
        `The model '${name}' is not a local model; a private request ` +
          '(X-Switchboard-Privacy: true) may only use local models.',
        'model',
        'model_not_local',
      );
    }
    checkLength(input, able, `the model '${name}'`);
    return { tier, model: name };
  }
}

/** As the router plans: local models only for tier 0 and private requests. */
function serves(model: CatalogueModel, tier: Tier, privacy: boolean): boolean {
  return model.tiers.includes(tier) && (model.local || (!privacy && tier !== 0));
}

function checkLength(input: readonly string[], models: readonly CatalogueModel[], what: string) {
  const window = Math.max(...models.map((m) => m.contextWindow));
  input.forEach((text, index) => {
    // Cheap bound first: no tokenizer yields more tokens than UTF-16 units.
    if (text.length <= window) return;
    const tokens = estimateTokens(text);
    if (tokens <= window) return;
    throw new OpenAiException(400, {
      message:
        `The largest context window of ${what} is ${window} tokens. However, input[${index}] ` +
        `has ${tokens} tokens. Please reduce its length.`,
      type: 'invalid_request_error',
      param: 'input',
      code: 'context_length_exceeded',
    });
  });
}
