import type { Config } from '@switchboard/config';
import {
  LlmRouter,
  ProviderGate,
  createAdapter,
  loadCatalogue,
  type InvocationSink,
  type LlmRouting,
  type ModelCatalogueFile,
} from '@switchboard/llm';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { OpenAI } from 'openai';
import { FAKE_PROVIDER } from './fake-openai';

export const EMBED_MODEL = 'bench-embed';
export const EMBED_DIMENSIONS = 256;

/** The fake OpenAI server as an embeddings provider: one 256-dimension model on tier 1. */
export function embeddingCatalogue(baseURL: string): ModelCatalogueFile {
  return {
    version: 1,
    providers: [{ name: FAKE_PROVIDER, kind: 'openai', baseURL, local: false }],
    models: [
      {
        provider: FAKE_PROVIDER,
        id: EMBED_MODEL,
        tiers: [1],
        capabilities: ['embeddings'],
        contextWindow: 8192,
        dimensions: EMBED_DIMENSIONS,
        prices: { input: 20_000, output: 0 },
      },
    ],
  };
}

/** The two ways the leg reaches the fake embeddings server. */
export interface EmbedRig {
  /** Baseline: the official SDK, as the OpenAI adapter configures it. */
  client: OpenAI;
  /** LlmRouter as LlmService builds it: real provider gate (Redis), the invocation log. */
  router: LlmRouter;
  routing: LlmRouting;
}

export function buildEmbedRig(
  config: Config,
  redis: Redis,
  invocations: InvocationSink,
  baseURL: string,
): EmbedRig {
  const llm = config.llm;
  const catalogue = loadCatalogue(llm, {});
  const adapters = new Map(
    [...catalogue.providers.values()].map((p) => [p.name, createAdapter(p, llm)]),
  );
  const gate = new ProviderGate(
    redis,
    config.redis.prefix,
    llm.breaker,
    llm.requestTimeoutMs,
    llm.gateCacheMs,
  );
  const none = new Set<string>();
  const router = new LlmRouter({
    catalogue,
    adapters,
    gate,
    invocations,
    config: llm,
    unhealthy: () => none,
  });
  const client = new OpenAI({
    apiKey: 'no-key',
    baseURL,
    organization: null,
    project: null,
    maxRetries: 0,
    timeout: 10 * 60_000,
  });
  const jobId = randomUUID();
  const routing: LlmRouting = {
    tier: 1,
    privacy: false,
    job: { jobId, tenantId: randomUUID(), role: 'chat', traceId: jobId },
  };
  return { client, router, routing };
}

/** The same request on both paths: floats (the adapter's encoding), 256 dimensions. */
export async function rawEmbed(rig: EmbedRig, input: string[]): Promise<number[][]> {
  const response = await rig.client.embeddings.create({
    model: EMBED_MODEL,
    input,
    dimensions: EMBED_DIMENSIONS,
    encoding_format: 'float',
  });
  const vectors = response.data.map((d) => d.embedding);
  expectVectors('raw', vectors, input.length);
  return vectors;
}

export async function routedEmbed(rig: EmbedRig, input: string[]): Promise<number[][]> {
  const response = await rig.router.embed(
    { input, dimensions: EMBED_DIMENSIONS },
    { ...rig.routing, signal: new AbortController().signal },
  );
  expectVectors('router', response.embeddings, input.length);
  return response.embeddings;
}

function expectVectors(path: string, vectors: number[][], count: number): void {
  if (vectors.length !== count || vectors.some((v) => v.length !== EMBED_DIMENSIONS)) {
    throw new Error(`${path}: expected ${count} vectors of ${EMBED_DIMENSIONS}`);
  }
}
