import { loadConfig, type LlmConfig } from '@switchboard/config';
import {
  LlmRouter,
  ModelCatalogue,
  ProviderGate,
  createAdapter,
  type InvocationSink,
  type ModelCatalogueFile,
} from '@switchboard/llm';
import type { InvocationRow } from '@switchboard/persistence';
import type { Redis } from 'ioredis';
import type { FakeProviderServer } from './fake-providers';

/** A provider entry pointing at a fake server. */
export function fakeProvider(
  name: string,
  fake: FakeProviderServer,
  extra: { local?: boolean; timeoutMs?: number } = {},
): ModelCatalogueFile['providers'][number] {
  return { name, kind: fake.kind, baseURL: fake.url, local: extra.local ?? false, ...extra };
}

/** A priced chat model: 1 µ$ per input token, 2 per output, 0.5 per cached input. */
export function fakeModel(
  provider: string,
  id: string,
  tiers: number[],
  extra: Partial<ModelCatalogueFile['models'][number]> = {},
): ModelCatalogueFile['models'][number] {
  return {
    provider,
    id,
    tiers,
    capabilities: ['chat'],
    contextWindow: 8192,
    prices: { input: 1_000_000, output: 2_000_000, cachedInput: 500_000 },
    ...extra,
  };
}

export class CapturingSink implements InvocationSink {
  readonly rows: InvocationRow[] = [];
  record(row: InvocationRow): void {
    this.rows.push(row);
  }
  summary(): string[] {
    return this.rows.map((r) => `${r.provider}/${r.model}:${r.outcome}`);
  }
}

export interface RouterKit {
  router: LlmRouter;
  gate: ProviderGate;
  sink: CapturingSink;
  unhealthy: Set<string>;
  config: LlmConfig;
}

/** A router over fake providers, with its gate in real Redis under `prefix`. */
export function buildRouter(
  redis: Redis,
  prefix: string,
  file: Omit<ModelCatalogueFile, 'version'>,
  env: Record<string, string> = {},
): RouterKit {
  const config = loadConfig({ LLM_REQUEST_TIMEOUT_MS: '2000', ...env }).llm;
  const catalogue = new ModelCatalogue({ version: 1, ...file }, new Map(), 'test');
  const adapters = new Map(
    [...catalogue.providers.values()].map((p) => [p.name, createAdapter(p, config)]),
  );
  const gate = new ProviderGate(redis, prefix, config.breaker, config.requestTimeoutMs);
  const sink = new CapturingSink();
  const unhealthy = new Set<string>();
  const router = new LlmRouter({
    catalogue,
    adapters,
    gate,
    invocations: sink,
    config,
    unhealthy: () => unhealthy,
  });
  return { router, gate, sink, unhealthy, config };
}
