import { TIER_DESCRIPTIONS, type Tier } from '@switchboard/catalogue';
import type { CatalogueModel, ProviderStatus } from '@switchboard/llm';

/**
 * A catalogue model in OpenAI's `/v1/models` shape (`id`, `object`, `created`, `owned_by`),
 * so OpenAI SDKs can list it, plus what Switchboard routes by. Prices are integer
 * micro-dollars per million tokens.
 */
export interface ModelView {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  provider: string;
  model: string;
  tiers: number[];
  capabilities: string[];
  contextWindow: number;
  local: boolean;
  prices: { input: number; output: number; cachedInput: number } | null;
}

export function toModelView(model: CatalogueModel): ModelView {
  return {
    id: model.key,
    object: 'model',
    created: 0,
    owned_by: model.provider,
    provider: model.provider,
    model: model.id,
    tiers: model.tiers,
    capabilities: model.capabilities,
    contextWindow: model.contextWindow,
    local: model.local,
    prices: model.prices,
  };
}

/** A tier alias (`tier-1`) as a model entry: the router picks a model of the tier. */
export interface TierAliasView {
  id: string;
  object: 'model';
  created: number;
  owned_by: 'switchboard';
  tiers: Tier[];
  description: string;
}

export function toTierAliasView(alias: { name: string; tier: Tier }): TierAliasView {
  return {
    id: alias.name,
    object: 'model',
    created: 0,
    owned_by: 'switchboard',
    tiers: [alias.tier],
    description: `any tier-${alias.tier} model (${TIER_DESCRIPTIONS[alias.tier]}), chosen by the router`,
  };
}

export interface ProviderView {
  name: string;
  kind: string;
  local: boolean;
  baseURL: string | null;
  models: string[];
  health: ProviderStatus['health'];
  circuit: {
    state: string;
    consecutiveFailures: number;
    openUntil: string | null;
    changedAt: string | null;
    timesOpened: number;
  };
  cooldown: { active: boolean; remainingMs: number; until: string | null };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toProviderView(status: ProviderStatus, now = Date.now()): ProviderView {
  const { circuit } = status;
  return {
    name: status.name,
    kind: status.kind,
    local: status.local,
    baseURL: status.baseURL,
    models: status.models,
    health: status.health,
    circuit: {
      state: circuit.circuit,
      consecutiveFailures: circuit.consecutiveFailures,
      openUntil: iso(circuit.openUntil),
      changedAt: iso(circuit.changedAt),
      timesOpened: circuit.timesOpened,
    },
    cooldown: {
      active: circuit.cooldownMs > 0,
      remainingMs: circuit.cooldownMs,
      until: circuit.cooldownMs > 0 ? iso(now + circuit.cooldownMs) : null,
    },
  };
}
