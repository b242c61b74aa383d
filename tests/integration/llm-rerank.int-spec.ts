import { cosine, type LlmRouting } from '@switchboard/llm';
import Redis from 'ioredis';
import { OpenAI } from 'openai';
import {
  embeddingFor,
  startFakeProvider,
  type FakeProviderServer,
} from '../support/fake-providers';
import { buildRouter, fakeModel, fakeProvider, type RouterKit } from '../support/router-kit';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { TEST_REDIS_URL } from '../support/test-services';

// Rerank and sized embeddings through the router, against fake OpenAI-compatible servers
// (their `/v1/rerank` speaks Jina's and Cohere's shape) and the gate in real Redis.
describe('LLM router: rerank and embeddings for retrieval', () => {
  let env: TestEnv;
  let redis: Redis;
  let first: FakeProviderServer;
  let second: FakeProviderServer;
  let anthropic: FakeProviderServer;
  let kit: RouterKit;
  let n = 0;
  const tier1: LlmRouting = { tier: 1, privacy: false };
  const documents = [
    'The browser agent clicks through pages in Chromium',
    'Budgets reserve tokens before every streamed call',
    'A budget pool refuses calls once its hard limit is spent',
  ];

  beforeAll(async () => {
    env = await createTestEnv();
    redis = new Redis(TEST_REDIS_URL);
    [first, second, anthropic] = await Promise.all([
      startFakeProvider('openai'),
      startFakeProvider('openai'),
      startFakeProvider('anthropic'),
    ]);
  });

  afterAll(async () => {
    await Promise.all([first, second, anthropic].map((f) => f.close()));
    redis.disconnect();
    await env.cleanup();
  });

  beforeEach(() => {
    for (const fake of [first, second, anthropic]) fake.reset();
    kit = buildRouter(redis, `${env.env.QUEUE_PREFIX}:rerank:${++n}`, {
      providers: [
        fakeProvider('first', first),
        fakeProvider('second', second),
        fakeProvider('anthropic', anthropic),
      ],
      models: [
        fakeModel('anthropic', 'claude', [1], { capabilities: ['chat'], priority: 0 }),
        fakeModel('first', 'rerank-a', [1], { capabilities: ['rerank'], priority: 1 }),
        fakeModel('second', 'rerank-b', [1], { capabilities: ['rerank'], priority: 2 }),
        fakeModel('first', 'embed-a', [1], { capabilities: ['embeddings'], dimensions: 32 }),
      ],
    });
  });

  it('reranks best first, priced and logged as a rerank call', async () => {
    const result = await kit.router.rerank(
      { query: 'how do budgets refuse calls', documents, topN: 2 },
      tier1,
    );
    expect(result.provider).toBe('first');
    expect(result.results).toHaveLength(2);
    expect(result.results[0].index).toBe(2);
    expect(result.results[0].score).toBeGreaterThanOrEqual(result.results[1].score);
    expect(result.results.map((r) => r.index)).not.toContain(0);
    // Input is the query and every document, counted by the provider.
    expect(result.usage.inputTokens).toBe(first.stats.inputTokens);
    expect(result.usage.costMicros).toBe(first.stats.inputTokens);
    expect(kit.sink.rows.map((r) => [r.callKind, r.outcome, r.model])).toEqual([
      ['rerank', 'ok', 'rerank-a'],
    ]);
    expect(first.stats.rerankRequests).toBe(1);
    expect(first.received[0].body).toMatchObject({ model: 'rerank-a', top_n: 2 });
  });

  it('fails over to the next rerank model, and never asks a chat-only provider', async () => {
    first.script({ type: 'status', status: 503 });
    const result = await kit.router.rerank({ query: 'chromium pages', documents }, tier1);
    expect(result.provider).toBe('second');
    expect(result.results[0].index).toBe(0);
    expect(kit.sink.summary()).toEqual(['first/rerank-a:failed_over', 'second/rerank-b:ok']);
    expect(anthropic.stats.requests).toBe(0);
  });

  it('asks for the vector size and gets vectors whose similarity follows the words', async () => {
    const result = await kit.router.embed(
      {
        input: ['budget pools refuse calls', 'a budget pool refuses a call', 'chromium clicks'],
        dimensions: 32,
      },
      tier1,
    );
    expect(first.received[0].body).toMatchObject({ dimensions: 32 });
    const [query, near, far] = result.embeddings;
    expect(query).toHaveLength(32);
    expect(query).toEqual(embeddingFor('budget pools refuse calls', { dimensions: 32 }));
    expect(cosine(query, near)).toBeGreaterThan(cosine(query, far));
  });

  it('the OpenAI SDK refuses nothing the fake answers: a bad dimensions is a 400', async () => {
    const client = new OpenAI({ apiKey: 'k', baseURL: first.url, maxRetries: 0 });
    await expect(
      client.embeddings.create({ model: 'embed-a', input: 'x', dimensions: 0 }),
    ).rejects.toMatchObject({ status: 400 });
  });
});
