import { TIERS, type Tier } from '@switchboard/catalogue';
import type { CatalogueModel, ModelCatalogue } from '../catalogue/model-catalogue';
import type { Capability, RoutingStrategy } from '../catalogue/model-catalogue.schema';
import type { LatencyTracker } from './latency-tracker';
import { ContextLengthError, NoCandidateError } from './routing-errors';

export interface Candidate {
  model: CatalogueModel;
  /** The tier this candidate serves the call at (above the job's own after escalation). */
  tier: Tier;
}

export interface CandidateQuery {
  tier: Tier;
  /** Escalation ceiling: tiers tier..maxTier are tried in order. */
  maxTier: Tier;
  privacy: boolean;
  capabilities: readonly Capability[];
  /** A model asked for by `id` or `provider/id`: only it is a candidate. */
  model?: string;
  /**
   * Tokens the call needs in a model's context window: the prompt (o200k count) plus the
   * completion asked for. Models whose window is smaller are skipped; unset, none are.
   */
  contextTokens?: number;
}

/**
 * The ordered candidates for a call: for each tier from the job's own up to its ceiling, the
 * models that serve it with the needed capabilities, ordered by that tier's strategy, and
 * models whose provider last failed its health check after the healthy ones. Private jobs
 * (and tier 0) see only local models.
 */
export function planCandidates(
  catalogue: ModelCatalogue,
  query: CandidateQuery,
  latency: LatencyTracker,
  unhealthy: ReadonlySet<string>,
): Candidate[] {
  const localOnly = query.privacy || query.tier === 0;
  const named = query.model ? new Set(catalogue.findModel(query.model).map((m) => m.key)) : null;
  const seen = new Set<string>();
  const plan: Candidate[] = [];
  let largestTooSmall = 0;
  for (const tier of TIERS.filter((t) => t >= query.tier && t <= query.maxTier)) {
    const eligible = catalogue
      .modelsFor(tier, query.capabilities)
      .filter((m) => (!localOnly || m.local) && (!named || named.has(m.key)) && !seen.has(m.key));
    const models = eligible.filter((m) => m.contextWindow >= (query.contextTokens ?? 0));
    for (const m of eligible) {
      if (!models.includes(m)) largestTooSmall = Math.max(largestTooSmall, m.contextWindow);
    }
    const ordered = order(models, catalogue.strategyFor(tier), latency);
    const healthyFirst = [
      ...ordered.filter((m) => !unhealthy.has(m.provider)),
      ...ordered.filter((m) => unhealthy.has(m.provider)),
    ];
    for (const model of healthyFirst) {
      seen.add(model.key);
      plan.push({ model, tier });
    }
  }
  if (plan.length === 0 && largestTooSmall > 0) {
    throw new ContextLengthError(query.contextTokens ?? 0, largestTooSmall);
  }
  if (plan.length === 0) throw new NoCandidateError(describeEmpty(query, named), localOnly);
  return plan;
}

function order(
  models: CatalogueModel[],
  strategy: RoutingStrategy,
  latency: LatencyTracker,
): CatalogueModel[] {
  const sorted = [...models];
  switch (strategy) {
    case 'priority':
      return sorted.sort((a, b) => a.priority - b.priority);
    case 'cheapest':
      return sorted.sort((a, b) => price(a) - price(b) || a.priority - b.priority);
    case 'fastest':
      return sorted.sort(
        (a, b) => latency.get(a.key) - latency.get(b.key) || a.priority - b.priority,
      );
  }
}

/** A blended price (input + output per million tokens); unpriced models sort as free. */
function price(model: CatalogueModel): number {
  return model.prices ? model.prices.input + model.prices.output : 0;
}

function describeEmpty(query: CandidateQuery, named: Set<string> | null): string {
  const tiers =
    query.maxTier > query.tier ? `tiers ${query.tier}–${query.maxTier}` : `tier ${query.tier}`;
  const local = query.privacy || query.tier === 0 ? 'local ' : '';
  const asked = named
    ? named.size === 0
      ? ` (model '${query.model}' is not in the catalogue)`
      : ` among '${query.model}'`
    : '';
  return (
    `The catalogue has no ${local}model serving ${tiers} with ` +
    `${query.capabilities.join(', ')}${asked}.`
  );
}
