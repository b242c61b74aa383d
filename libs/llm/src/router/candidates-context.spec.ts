import type { ModelCatalogueFile } from '../catalogue/model-catalogue.schema';
import { ModelCatalogue } from '../catalogue/model-catalogue';
import { planCandidates, type CandidateQuery } from './candidates';
import { LatencyTracker } from './latency-tracker';
import { ContextLengthError, NoCandidateError } from './routing-errors';

const model = (provider: string, id: string, tiers: number[], contextWindow: number) => ({
  provider,
  id,
  tiers,
  capabilities: ['chat' as const],
  contextWindow,
  prices: { input: 1, output: 1 },
});

const file: ModelCatalogueFile = {
  version: 1,
  providers: [
    { name: 'local', kind: 'ollama', local: true },
    { name: 'a', kind: 'openai', local: false },
  ],
  models: [
    model('local', 'small', [0, 1], 8_192),
    model('a', 'mid', [1], 32_768),
    model('a', 'long', [2], 200_000),
  ],
};
const catalogue = new ModelCatalogue(file, new Map(), 'test');
const plan = (query: Partial<CandidateQuery>) =>
  planCandidates(
    catalogue,
    { tier: 1, maxTier: 1, privacy: false, capabilities: ['chat'], ...query },
    new LatencyTracker(),
    new Set(),
  ).map((c) => `${c.model.key}@${c.tier}`);

describe('planCandidates and context windows', () => {
  it('skips models whose window cannot hold the call, keeping the rest in order', () => {
    expect(plan({})).toEqual(['local/small@1', 'a/mid@1']);
    expect(plan({ contextTokens: 8_192 })).toEqual(['local/small@1', 'a/mid@1']);
    expect(plan({ contextTokens: 8_193 })).toEqual(['a/mid@1']);
    expect(plan({ contextTokens: 8_193, maxTier: 2 })).toEqual(['a/mid@1', 'a/long@2']);
    expect(plan({ contextTokens: 40_000, maxTier: 2 })).toEqual(['a/long@2']);
  });

  it('fails with a non-retryable context-length-exceeded when no window is large enough', () => {
    const error = (() => {
      try {
        plan({ contextTokens: 40_000 });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ContextLengthError);
    expect(error).toMatchObject({
      code: 'context-length-exceeded',
      retryable: false,
      neededTokens: 40_000,
      largestWindow: 32_768,
    });
    expect((error as Error).message).toMatch(/40000 tokens.*\(32768 tokens\)/);
  });

  it('still says there is no model when none serves the tier at all', () => {
    expect(() => plan({ tier: 3, maxTier: 3, contextTokens: 10 })).toThrow(NoCandidateError);
  });

  it('counts only the models a private job may use', () => {
    expect(() => plan({ privacy: true, contextTokens: 10_000 })).toThrow(ContextLengthError);
  });
});
