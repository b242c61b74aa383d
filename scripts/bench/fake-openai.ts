import type { ModelCatalogueFile } from '@switchboard/llm';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeProvider } from '../../tests/support/fake-providers';
import { deferCleanup } from './exit-cleanup';
import { startFakeOpenAiProcess, type FakeEndpoint } from './fake-openai-process';

export const FAKE_PROVIDER = 'bench-openai';
export const FAKE_MODEL = 'bench-model';
/** A short answer, like a small chat reply: 8 tokens, streamed as 8 deltas. */
export const FAKE_TOKENS = 8;

/** Where the fake server runs: next to the caller, or in a child process of its own. */
export type FakePlacement = 'in-process' | 'child-process';

/** The fake OpenAI server of one leg, and a catalogue file whose only model it serves. */
export interface FakeOpenAi {
  /** The SDK's base URL. */
  url: string;
  /** For LLM_CATALOGUE_FILE. */
  catalogueFile: string;
}

/**
 * Starts the fake OpenAI server from tests/support (a real HTTP server the official SDK talks
 * to over loopback TCP) and writes a catalogue pointing at it; both are removed afterwards.
 */
export async function withFakeOpenAi<T>(
  placement: FakePlacement,
  body: (fake: FakeOpenAi) => Promise<T>,
): Promise<T> {
  const endpoint = await startFake(placement);
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-'));
  const release = deferCleanup('fake openai', async () => {
    await endpoint.close();
    rmSync(dir, { recursive: true, force: true });
  });
  try {
    const catalogueFile = join(dir, 'llm-catalogue.json');
    writeFileSync(catalogueFile, JSON.stringify(benchCatalogue(endpoint.url)));
    return await body({ url: endpoint.url, catalogueFile });
  } finally {
    await release();
  }
}

async function startFake(placement: FakePlacement): Promise<FakeEndpoint> {
  if (placement === 'child-process') return startFakeOpenAiProcess(FAKE_TOKENS);
  const server = await startFakeProvider('openai', { tokensPerResponse: FAKE_TOKENS });
  return { url: server.url, close: () => server.close() };
}

/** One OpenAI-compatible provider with one priced model serving tier 1 (the bench's chat jobs). */
export function benchCatalogue(baseURL: string): ModelCatalogueFile {
  return {
    version: 1,
    providers: [{ name: FAKE_PROVIDER, kind: 'openai', baseURL, local: false }],
    models: [
      {
        provider: FAKE_PROVIDER,
        id: FAKE_MODEL,
        tiers: [1],
        capabilities: ['chat'],
        contextWindow: 128_000,
        prices: { input: 150_000, output: 600_000 },
      },
    ],
  };
}
