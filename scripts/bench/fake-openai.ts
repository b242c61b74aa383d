import type { ModelCatalogueFile } from '@switchboard/llm';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeProvider, type FakeProviderServer } from '../../tests/support/fake-providers';
import { deferCleanup } from './exit-cleanup';

export const FAKE_PROVIDER = 'bench-openai';
export const FAKE_MODEL = 'bench-model';
/** A short answer, like a small chat reply: 8 tokens, streamed as 8 deltas. */
export const FAKE_TOKENS = 8;

/** The fake OpenAI server of one leg, and a catalogue file whose only model is served by it. */
export interface FakeOpenAi {
  server: FakeProviderServer;
  /** For LLM_CATALOGUE_FILE. */
  catalogueFile: string;
}

/**
 * Starts the fake OpenAI server from tests/support in this process (a real HTTP server the
 * official SDK talks to over TCP) and writes a catalogue pointing at it; both are removed
 * afterwards.
 */
export async function withFakeOpenAi<T>(body: (fake: FakeOpenAi) => Promise<T>): Promise<T> {
  const server = await startFakeProvider('openai', { tokensPerResponse: FAKE_TOKENS });
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-'));
  const release = deferCleanup('fake openai', async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  try {
    const catalogueFile = join(dir, 'llm-catalogue.json');
    writeFileSync(catalogueFile, JSON.stringify(benchCatalogue(server.url)));
    return await body({ server, catalogueFile });
  } finally {
    await release();
  }
}

/** One OpenAI-compatible provider with one priced model serving tier 1 (the bench's chat jobs). */
function benchCatalogue(baseURL: string): ModelCatalogueFile {
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
