import type { Tier } from '@switchboard/catalogue';
import type { ProviderSettings } from '../providers/provider.types';
import type {
  Capability,
  ModelCatalogueFile,
  ModelEntry,
  ProviderEntry,
  RoutingStrategy,
} from './model-catalogue.schema';

export interface ModelPrices {
  input: number;
  output: number;
  cachedInput: number;
}

/** One model as the router sees it: resolved locality and prices, and its file position. */
export interface CatalogueModel {
  /** `provider/id`: unique across the catalogue. */
  key: string;
  provider: string;
  id: string;
  tiers: Tier[];
  capabilities: Capability[];
  contextWindow: number;
  /** Embedding models: their vector size, when the catalogue says it. */
  dimensions?: number;
  /** Provider input tokens per o200k token at most; null: bound input by its bytes. */
  inputTokenFactor: number | null;
  local: boolean;
  /** Null only when unpriced models are allowed; such a model costs 0. */
  prices: ModelPrices | null;
  priority: number;
}

export interface CatalogueProvider extends ProviderSettings {
  local: boolean;
  timeoutMs?: number;
}

/** The validated model catalogue: providers, their models and the per-tier strategy. */
export class ModelCatalogue {
  readonly providers: ReadonlyMap<string, CatalogueProvider>;
  readonly models: readonly CatalogueModel[];
  private readonly strategies: Map<Tier, RoutingStrategy>;

  constructor(
    file: ModelCatalogueFile,
    apiKeys: ReadonlyMap<string, string>,
    readonly source: string,
  ) {
    this.providers = new Map(
      file.providers.map((p: ProviderEntry) => [
        p.name,
        {
          name: p.name,
          kind: p.kind,
          baseURL: p.baseURL,
          apiKey: apiKeys.get(p.name),
          headers: p.headers,
          local: p.local,
          timeoutMs: p.timeoutMs,
        },
      ]),
    );
    this.models = file.models.map((m: ModelEntry, index) => ({
      key: `${m.provider}/${m.id}`,
      provider: m.provider,
      id: m.id,
      tiers: [...new Set(m.tiers)].sort() as Tier[],
      capabilities: m.capabilities,
      contextWindow: m.contextWindow,
      ...(m.dimensions ? { dimensions: m.dimensions } : {}),
      // The simulated provider counts with our own tokenizer: its bound is exact.
      inputTokenFactor:
        m.inputTokenFactor ?? (this.providers.get(m.provider)?.kind === 'simulated' ? 1 : null),
      local: m.local ?? this.providers.get(m.provider)?.local ?? false,
      prices: m.prices
        ? {
            input: m.prices.input,
            output: m.prices.output,
            cachedInput: m.prices.cachedInput ?? m.prices.input,
          }
        : null,
      priority: m.priority ?? index,
    }));
    this.strategies = new Map(
      Object.entries(file.routing ?? {}).map(([tier, r]) => [Number(tier) as Tier, r.strategy]),
    );
  }

  strategyFor(tier: Tier): RoutingStrategy {
    return this.strategies.get(tier) ?? 'priority';
  }

  provider(name: string): CatalogueProvider {
    const provider = this.providers.get(name);
    if (!provider) throw new Error(`unknown provider '${name}'`);
    return provider;
  }

  /** Models that serve the tier with every capability asked for. */
  modelsFor(tier: Tier, capabilities: readonly Capability[]): CatalogueModel[] {
    return this.models.filter(
      (m) => m.tiers.includes(tier) && capabilities.every((c) => m.capabilities.includes(c)),
    );
  }

  /** Provider API keys, for the masking logger. */
  secrets(): string[] {
    return [...this.providers.values()].flatMap((p) =>
      p.apiKey && p.apiKey.length >= 4 ? [p.apiKey] : [],
    );
  }

  /** A model named by `id` or `provider/id`. */
  findModel(name: string): CatalogueModel[] {
    return this.models.filter((m) => m.key === name || m.id === name);
  }
}
