import type { CatalogueModel, LlmService } from '@switchboard/llm';
import { ModelResolver, neededCapabilities } from './model-resolver';
import type { OpenAiException } from './openai-error';

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

describe('ModelResolver capabilities', () => {
  const catalogue = [
    model('a/plain', [1], 8_192),
    model('b/tools', [1], 16_384, { capabilities: ['chat', 'tools'] }),
    model('c/all', [2], 32_768, { capabilities: ['chat', 'tools', 'json_schema', 'vision'] }),
  ];
  const capable = new ModelResolver({ models: () => catalogue } as unknown as LlmService);
  const refusal = (call: () => unknown) => {
    try {
      call();
    } catch (error) {
      return (error as OpenAiException).error;
    }
    throw new Error('accepted');
  };

  it('counts only the models that have what the request needs', () => {
    expect(capable.resolve('tier-1', false, ['tools']).contextWindow).toBe(16_384);
    expect(capable.resolve('c/all', false, ['tools', 'vision']).tier).toBe(2);
  });

  it('refuses a tier or a model without it, naming the parameter that asked', () => {
    expect(refusal(() => capable.resolve('tier-1', false, ['tools', 'json_schema']))).toEqual({
      message: "No model serving 'tier-1' supports response_format 'json_schema'.",
      type: 'invalid_request_error',
      param: 'response_format',
      code: 'unsupported_parameter',
    });
    expect(refusal(() => capable.resolve('a/plain', false, ['tools']))).toMatchObject({
      message: "The model 'a/plain' does not support tool calling.",
      param: 'tools',
    });
    expect(refusal(() => capable.resolve('b/tools', false, ['vision']))).toMatchObject({
      param: 'messages',
      code: 'unsupported_value',
    });
  });

  it('needs tools, json_schema and vision from what the request carries', () => {
    expect(
      neededCapabilities({
        tools: [{ name: 'f', parameters: {} }],
        responseFormat: { type: 'json_schema', name: 'n', schema: {} },
        messages: [{ role: 'user', content: [{ type: 'image', url: 'https://x/y.png' }] }],
      }),
    ).toEqual(['tools', 'json_schema', 'vision']);
    expect(neededCapabilities({ responseFormat: { type: 'json_object' }, messages: [] })).toEqual(
      [],
    );
  });
});
