import { Injectable } from '@nestjs/common';
import { TIERS, type Tier } from '@switchboard/catalogue';
import { LlmService, type Capability, type CatalogueModel } from '@switchboard/llm';
import type { ChatCompletionRequest } from './chat-completion.request';
import { OpenAiException } from './openai-error';
import { tierOfAlias } from './tier-alias';

/** Where a chat completion runs: a tier, and the model pinned within it (none for an alias). */
export interface ChatTarget {
  tier: Tier;
  model?: string;
  /** The largest context window among the models that could serve it; none if none can. */
  contextWindow?: number;
}

/** What a request needs of a model beyond chat, and the parameter that asks for it. */
const NEEDS: { capability: Capability; param: string; what: string }[] = [
  { capability: 'tools', param: 'tools', what: 'tool calling' },
  { capability: 'json_schema', param: 'response_format', what: "response_format 'json_schema'" },
  { capability: 'vision', param: 'messages', what: 'image inputs' },
];

export function neededCapabilities(
  request: Pick<ChatCompletionRequest, 'tools' | 'responseFormat' | 'messages'>,
): Capability[] {
  const needs: Capability[] = [];
  if (request.tools?.length) needs.push('tools');
  if (request.responseFormat?.type === 'json_schema') needs.push('json_schema');
  const images = request.messages.some(
    (m) =>
      m.role === 'user' &&
      typeof m.content !== 'string' &&
      m.content.some((p) => p.type === 'image'),
  );
  if (images) needs.push('vision');
  return needs;
}

/**
 * Turns an OpenAI `model` into a tier and an optional pinned model: `tier-N` is tier N with
 * the router's choice; a catalogue model (`id` or `provider/id`) runs at the lowest tier it
 * serves. A private request may only name local models, since nothing private leaves the host.
 * A request needing tools, structured output or vision is refused (400, naming the parameter)
 * when no model it could run on has them, instead of failing as a job.
 */
@Injectable()
export class ModelResolver {
  constructor(private readonly llm: LlmService) {}

  resolve(name: string, privacy: boolean, needs: readonly Capability[] = []): ChatTarget {
    const aliasTier = tierOfAlias(name);
    if (aliasTier !== undefined) {
      const serving = this.llm.models().filter((m) => serves(m, aliasTier, privacy));
      const able = serving.filter((m) => needs.every((need) => m.capabilities.includes(need)));
      if (serving.length > 0 && able.length === 0) {
        throw incapable((what) => `No model serving '${name}' supports ${what}.`, serving, needs);
      }
      return { tier: aliasTier, contextWindow: largestWindow(able, aliasTier, privacy) };
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
    const able = named.filter((m) => needs.every((need) => m.capabilities.includes(need)));
    if (able.length === 0) {
      throw incapable((what) => `The model '${name}' does not support ${what}.`, named, needs);
    }
    return { tier, model: name, contextWindow: largestWindow(able, tier, privacy) };
  }
}

/** A chat model the router may use for the tier (local ones only for tier 0 and privacy). */
function serves(model: CatalogueModel, tier: Tier, privacy: boolean): boolean {
  return (
    model.tiers.includes(tier) &&
    model.capabilities.includes('chat') &&
    (model.local || (!privacy && tier !== 0))
  );
}

/** The first need none of the models has, as a 400 on the parameter that asked for it. */
function incapable(
  message: (what: string) => string,
  models: readonly CatalogueModel[],
  needs: readonly Capability[],
): OpenAiException {
  const need =
    NEEDS.find(
      (n) =>
        needs.includes(n.capability) && !models.some((m) => m.capabilities.includes(n.capability)),
    ) ?? NEEDS.find((n) => needs.includes(n.capability))!;
  return new OpenAiException(400, {
    message: message(need.what),
    type: 'invalid_request_error',
    param: need.param,
    code: need.param === 'messages' ? 'unsupported_value' : 'unsupported_parameter',
  });
}

/** As the router plans: chat models of the tier, local ones only for tier 0 and privacy. */
function largestWindow(
  models: readonly CatalogueModel[],
  tier: Tier,
  privacy: boolean,
): number | undefined {
  const windows = models.filter((m) => serves(m, tier, privacy)).map((m) => m.contextWindow);
  return windows.length > 0 ? Math.max(...windows) : undefined;
}

/** The router serves tier 0 and private jobs with local models only. */
function lowestTier(models: readonly CatalogueModel[], privacy: boolean): Tier | undefined {
  return TIERS.find((tier) =>
    models.some((m) => m.tiers.includes(tier) && (m.local || (!privacy && tier !== 0))),
  );
}
