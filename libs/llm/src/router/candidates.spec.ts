import type { ModelCatalogueFile } from '../catalogue/model-catalogue.schema';
import { ModelCatalogue } from '../catalogue/model-catalogue';
import { planCandidates } from './candidates';
import { LatencyTracker } from './latency-tracker';
import { NoCandidateError } from './routing-errors';

const model = (
  provider: string,
  id: string,
  tiers: number[],
  input: number,
  capabilities: ('chat' | 'vision' | 'embeddings')[] = ['chat'],
) => ({
  provider,
  id,
  tiers,
  capabilities,
  contextWindow: 8192,
  prices: { input, output: input },
});

const file: ModelCatalogueFile = {
  version: 1,
  providers: [
    { name: 'local', kind: 'ollama', local: true },
    { name: 'a', kind: 'openai', local: false },
    { name: 'b', kind: 'openai', local: false },
  ],
  models: [
    model('local', 'small', [0, 1], 0),
    model('a', 'expensive', [1], 900),
    model('b', 'cheap', [1], 100),
    model('a', 'big', [2], 1000, ['chat', 'vision']),
    model('b', 'premium', [3], 5000),
  ],
  routing: { '1': { strategy: 'cheapest' } },
};
const catalogue = new ModelCatalogue(file, new Map(), 'test');
const keys = (plan: { model: { key: string }; tier: number }[]) =>
  plan.map((c) => `${c.model.key}@${c.tier}`);
const base = { privacy: false, capabilities: ['chat'] as const };

describe('planCandidates', () => {
  it('orders a tier by its strategy', () => {
    const plan = planCandidates(
      catalogue,
      { ...base, tier: 1, maxTier: 1 },
      new LatencyTracker(),
      new Set(),
    );
    expect(keys(plan)).toEqual(['local/small@1', 'b/cheap@1', 'a/expensive@1']);
  });

  it('escalates only up to maxTier, never repeating a model', () => {
    const plan = planCandidates(
      catalogue,
      { ...base, tier: 0, maxTier: 0 },
      new LatencyTracker(),
      new Set(),
    );
    expect(keys(plan)).toEqual(['local/small@0']);
    const up = planCandidates(
      catalogue,
      { ...base, tier: 1, maxTier: 3 },
      new LatencyTracker(),
      new Set(),
    );
    expect(keys(up)).toEqual([
      'local/small@1',
      'b/cheap@1',
      'a/expensive@1',
      'a/big@2',
      'b/premium@3',
    ]);
  });

  it('keeps private jobs on local models, even when escalating', () => {
    const plan = planCandidates(
      catalogue,
      { ...base, privacy: true, tier: 1, maxTier: 3 },
      new LatencyTracker(),
      new Set(),
    );
    expect(keys(plan)).toEqual(['local/small@1']);
    expect(() =>
      planCandidates(
        catalogue,
        { ...base, privacy: true, tier: 2, maxTier: 3 },
        new LatencyTracker(),
        new Set(),
      ),
    ).toThrow(expect.objectContaining({ code: 'no-local-provider', retryable: false }));
  });

  it('filters by capability and by a named model', () => {
    const vision = planCandidates(
      catalogue,
      { ...base, capabilities: ['chat', 'vision'], tier: 1, maxTier: 3 },
      new LatencyTracker(),
      new Set(),
    );
    expect(keys(vision)).toEqual(['a/big@2']);
    const named = planCandidates(
      catalogue,
      { ...base, tier: 1, maxTier: 1, model: 'a/expensive' },
      new LatencyTracker(),
      new Set(),
    );
    expect(keys(named)).toEqual(['a/expensive@1']);
    expect(() =>
      planCandidates(
        catalogue,
        { ...base, tier: 1, maxTier: 1, model: 'gpt-9' },
        new LatencyTracker(),
        new Set(),
      ),
    ).toThrow(NoCandidateError);
  });

  it('orders by latency under fastest, and puts unhealthy providers last', () => {
    const fast = new ModelCatalogue(
      { ...file, routing: { '1': { strategy: 'fastest' } } },
      new Map(),
      'test',
    );
    const latency = new LatencyTracker();
    latency.observe('local/small', 500);
    latency.observe('a/expensive', 20);
    latency.observe('b/cheap', 80);
    const plan = planCandidates(fast, { ...base, tier: 1, maxTier: 1 }, latency, new Set(['a']));
    expect(keys(plan)).toEqual(['b/cheap@1', 'local/small@1', 'a/expensive@1']);
  });

  it('keeps file order under the default priority strategy, an explicit priority first', () => {
    const plain = new ModelCatalogue(
      {
        ...file,
        models: [
          model('a', 'first', [2], 10),
          model('b', 'second', [2], 1),
          { ...model('b', 'pinned', [2], 50), priority: -1 },
        ],
      },
      new Map(),
      'test',
    );
    const plan = planCandidates(
      plain,
      { ...base, tier: 2, maxTier: 2 },
      new LatencyTracker(),
      new Set(),
    );
    expect(keys(plan)).toEqual(['b/pinned@2', 'a/first@2', 'b/second@2']);
  });

  it('sorts unpriced models as free under cheapest, and equal prices by priority', () => {
    const unpriced = { ...model('b', 'free', [1], 0), prices: undefined };
    const cheap = new ModelCatalogue(
      {
        ...file,
        models: [model('a', 'same-1', [1], 100), unpriced, model('b', 'same-2', [1], 100)],
      },
      new Map(),
      'test',
    );
    const plan = planCandidates(
      cheap,
      { ...base, tier: 1, maxTier: 1 },
      new LatencyTracker(),
      new Set(),
    );
    expect(keys(plan)).toEqual(['b/free@1', 'a/same-1@1', 'b/same-2@1']);
  });

  it('breaks latency ties by priority under fastest, unmeasured models first', () => {
    const fast = new ModelCatalogue(
      { ...file, routing: { '1': { strategy: 'fastest' } } },
      new Map(),
      'test',
    );
    const latency = new LatencyTracker();
    latency.observe('local/small', 50);
    const plan = planCandidates(fast, { ...base, tier: 1, maxTier: 1 }, latency, new Set());
    expect(keys(plan)).toEqual(['a/expensive@1', 'b/cheap@1', 'local/small@1']);
  });

  it('explains an empty plan: the tiers, the locality and the model asked for', () => {
    const refusal = (query: Partial<Parameters<typeof planCandidates>[1]>) => {
      try {
        planCandidates(
          catalogue,
          { ...base, tier: 1, maxTier: 1, ...query },
          new LatencyTracker(),
          new Set(),
        );
      } catch (error) {
        return error as NoCandidateError;
      }
      throw new Error('planned');
    };
    expect(refusal({ capabilities: ['embeddings'], maxTier: 3 }).message).toBe(
      'The catalogue has no model serving tiers 1–3 with embeddings.',
    );
    expect(refusal({ privacy: true, model: 'a/expensive' })).toMatchObject({
      code: 'no-local-provider',
      message: "The catalogue has no local model serving tier 1 with chat among 'a/expensive'.",
    });
    expect(refusal({ tier: 0, maxTier: 0, model: 'nope' }).message).toBe(
      "The catalogue has no local model serving tier 0 with chat (model 'nope' is not in the catalogue).",
    );
  });
});
