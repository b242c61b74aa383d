import type { CatalogueModel, LlmService } from '@switchboard/llm';
import { ModelResolver } from './model-resolver';

const model = (key: string, tiers: number[], contextWindow: number, extra = {}) =>
  ({
    key,
    id: key.split('/')[1],
    provider: key.split('/')[0],
    tiers,
    capabilities: ['chat'],
    contextWindow,
    local: false,
    ...extra,
  }) as unknown as CatalogueModel;

const models = [
  model('a/small', [1], 8_192),
  model('b/large', [1, 2], 131_072),
  model('e/embed', [1], 1_000_000, { capabilities: ['embeddings'] }),
  model('l/local', [0, 1], 32_768, { local: true }),
];
const resolver = new ModelResolver({ models: () => models } as unknown as LlmService);

describe('ModelResolver context windows', () => {
  it('gives a tier alias the largest window of its chat models', () => {
    expect(resolver.resolve('tier-1', false)).toEqual({ tier: 1, contextWindow: 131_072 });
    expect(resolver.resolve('tier-3', false)).toEqual({ tier: 3, contextWindow: undefined });
  });

  it('counts only local models for tier 0 and private requests', () => {
    expect(resolver.resolve('tier-0', false).contextWindow).toBe(32_768);
    expect(resolver.resolve('tier-1', true).contextWindow).toBe(32_768);
  });

  it('gives a pinned model its own window at the tier it runs', () => {
    expect(resolver.resolve('a/small', false)).toEqual({
      tier: 1,
      model: 'a/small',
      contextWindow: 8_192,
    });
    expect(resolver.resolve('large', false)).toMatchObject({ tier: 1, contextWindow: 131_072 });
  });
});
