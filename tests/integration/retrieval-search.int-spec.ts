import { Global, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  ROLE_ACTORS,
  type ActorContext,
  type ActorHandler,
  type ActorMessage,
  type CapabilityScope,
  type DurableSteps,
} from '@switchboard/actors';
import type { JobInput } from '@switchboard/catalogue';
import { ConfigModule, Config, loadConfig } from '@switchboard/config';
import { LlmService, type LlmClient, type LlmRouting } from '@switchboard/llm';
import { PersistenceModule } from '@switchboard/persistence';
import {
  COLLECTION_LOOKUP,
  LanceDbStore,
  RetrievalFilterError,
  SearchService,
  SearchToolModule,
  StoreUnavailableError,
  VECTOR_STORE,
  type CollectionLookup,
  type CollectionRecord,
  type DocumentInfoLookup,
  type SearchQuery,
  type StoredChunk,
} from '@switchboard/retrieval';
import { ToolsCapability, ToolsModule } from '@switchboard/tools';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  embeddingFor,
  startFakeProvider,
  type FakeProviderServer,
  type ReceivedRequest,
} from '../support/fake-providers';
import { buildRouter, fakeModel, fakeProvider, type RouterKit } from '../support/router-kit';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { TEST_REDIS_URL } from '../support/test-services';

// Search over a hand-ingested LanceDB collection (temp dir), its LLM calls through the real
// router to a fake OpenAI server (embeddings, /v1/rerank, JSON chat answers), and the
// researcher citing through the tool loop with the search_collection tool.

jest.setTimeout(60_000);

const DIM = 32;
const TEXTS: [string, string, string[]][] = [
  ['Budget pools refuse calls once their hard limit is spent', 'markdown', ['budget']],
  [
    'A reservation holds budget before every streamed call and settles after',
    'markdown',
    ['budget'],
  ],
  ['The browser agent clicks through pages in Chromium with Playwright', 'text', ['browser']],
  ['Blue green deploys switch nginx upstreams after health checks pass', 'text', ['deploy']],
  ['Workers close BullMQ queues on SIGTERM and drain their jobs', 'markdown', ['queue']],
  ['Rate limits per API key answer 429 with a retry after header', 'text', ['auth']],
  ['Invocations are logged for every attempt including failed over ones', 'markdown', ['llm']],
  ['Tier zero models run locally so nothing leaves the machine', 'text', ['llm', 'privacy']],
];

const chunks: StoredChunk[] = TEXTS.map(([text, docType, tags], i) => ({
  id: `doc${i}#0`,
  documentId: `doc${i}`,
  text,
  vector: embeddingFor(text, { dimensions: DIM }),
  metadata: {
    doc_type: docType,
    source: `handbook/${i}.${docType === 'markdown' ? 'md' : 'txt'}`,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    privacy_level: 'internal',
    tags,
  },
}));

const isSchema = (req: ReceivedRequest, name: string) =>
  JSON.stringify(req.body?.response_format ?? {}).includes(`"name":"${name}"`);
const userText = (req: ReceivedRequest): string =>
  ((req.body as { messages?: { content?: unknown }[] }).messages ?? [])
    .map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)))
    .join('\n');

class MemorySteps implements DurableSteps {
  async once<T>(_label: string, work: () => Promise<T>): Promise<{ value: T }> {
    return { value: await work() };
  }
}

describe('retrieval search (LanceDB, router over fake OpenAI)', () => {
  let env: TestEnv;
  let fake: FakeProviderServer;
  let redis: Redis;
  let kit: RouterKit;
  let dataDir: string;
  let store: LanceDbStore;
  let service: SearchService;
  let llm: LlmClient;
  const tenantId = randomUUID();
  const collection: CollectionRecord = {
    id: 'c1',
    tenantId,
    name: 'handbook',
    description: null,
    embeddingModel: 'x/embed-a',
    dimensions: DIM,
    embeddingTier: 1,
    privacy: false,
    chunking: { strategy: 'recursive' } as CollectionRecord['chunking'],
    store: 'lancedb',
    storeCollectionId: `t_${tenantId.slice(0, 8)}__c1`,
    fields: {},
    createdAt: new Date(),
    updatedAt: new Date(),
  };
  const documents: DocumentInfoLookup = {
    get: async (_collectionId, ids) =>
      new Map(
        ids.map((id) => [
          id,
          { source: `handbook/${id}`, title: `Title ${id}`, docType: 'markdown' },
        ]),
      ),
  };
  const routing: LlmRouting = { tier: 1, privacy: false };
  const clientFor = (r: LlmRouting): LlmClient => ({
    chat: (request) => kit.router.chat(request, r),
    stream: (request) => kit.router.stream(request, r),
    embed: (request) => kit.router.embed(request, r),
    rerank: (request) => kit.router.rerank(request, r),
  });
  const query = (extra: Partial<SearchQuery>): SearchQuery => ({
    text: 'budget pools refuse calls',
    mode: 'dense',
    k: 3,
    ...extra,
  });

  beforeAll(async () => {
    env = await createTestEnv();
    fake = await startFakeProvider('openai');
    redis = new Redis(TEST_REDIS_URL);
    kit = buildRouter(redis, `${env.env.QUEUE_PREFIX}:search`, {
      providers: [fakeProvider('x', fake)],
      models: [
        fakeModel('x', 'x-chat', [1, 2], { capabilities: ['chat', 'tools', 'json_schema'] }),
        fakeModel('x', 'embed-a', [1], { capabilities: ['embeddings'], dimensions: DIM }),
        fakeModel('x', 'rerank-a', [1], { capabilities: ['rerank'] }),
      ],
    });
    llm = clientFor(routing);
    dataDir = await mkdtemp(join(tmpdir(), 'sb-search-'));
    store = await LanceDbStore.connect({ dataDir });
    await store.createCollection({ id: collection.storeCollectionId, dimension: DIM });
    await store.upsert(collection.storeCollectionId, chunks);
    service = new SearchService(store, documents);
  });

  afterEach(() => fake.reset());

  afterAll(async () => {
    await store?.close();
    await rm(dataDir, { recursive: true, force: true });
    redis?.disconnect();
    await fake?.close();
    await env?.cleanup();
  });

  it('dense: embeds the query with the collection model and size; usage is the call', async () => {
    const results = await service.search(collection, query({}), llm);
    expect(results.hits[0]).toMatchObject({
      chunkId: 'doc0#0',
      documentId: 'doc0',
      document: { id: 'doc0', source: 'handbook/doc0', title: 'Title doc0', docType: 'markdown' },
    });
    expect(results.hits).toHaveLength(3);
    expect(results.hits[0].scores.dense).toBeGreaterThan(results.hits[1].scores.dense!);
    expect(fake.received[0].body).toMatchObject({ model: 'embed-a', dimensions: DIM });
    expect(results.usage).toEqual({
      inputTokens: fake.stats.inputTokens,
      outputTokens: 0,
      costMicros: fake.stats.inputTokens,
    });
  });

  it('keyword: BM25 without any embedding call', async () => {
    const results = await service.search(
      collection,
      query({ mode: 'keyword', text: 'Chromium Playwright' }),
      llm,
    );
    expect(results.hits[0].chunkId).toBe('doc2#0');
    expect(results.hits[0].scores.keyword).toBeGreaterThan(0);
    expect(fake.stats.embedRequests).toBe(0);
    expect(results.usage.inputTokens).toBe(0);
  });

  it('hybrid: weighted 70:30 by default, and RRF when asked', async () => {
    const weighted = await service.search(
      collection,
      query({ mode: 'hybrid', text: 'budget hard limit' }),
      llm,
    );
    expect(weighted.hits[0].chunkId).toBe('doc0#0');
    expect(weighted.hits[0].scores.fused).toBeLessThanOrEqual(1);
    expect(weighted.hits[0].scores).toHaveProperty('dense');
    expect(weighted.hits[0].scores).toHaveProperty('keyword');
    const rrf = await service.search(
      collection,
      query({ mode: 'hybrid', text: 'budget hard limit', fusion: { method: 'rrf' } }),
      llm,
    );
    expect(rrf.hits[0].chunkId).toBe('doc0#0');
    // In both lists, near the top of each: 1/(60+r1) + 1/(60+r2).
    expect(rrf.hits[0].score).toBeGreaterThan(1 / 61);
    expect(rrf.hits[0].score).toBeLessThanOrEqual(2 / 61);
    expect(rrf.hits[0].scores.fused).toBe(rrf.hits[0].score);
  });

  it('filters on metadata; an unknown field is a RetrievalFilterError naming it', async () => {
    const results = await service.search(
      collection,
      query({ k: 8, filter: { op: 'eq', field: 'doc_type', value: 'text' } }),
      llm,
    );
    expect(results.hits.length).toBe(4);
    expect(results.hits.every((h) => h.metadata.doc_type === 'text')).toBe(true);
    const tagged = await service.search(
      collection,
      query({ k: 8, filter: { op: 'tagsAny', field: 'tags', values: ['privacy'] } }),
      llm,
    );
    expect(tagged.hits.map((h) => h.chunkId)).toEqual(['doc7#0']);
    await expect(
      service.search(
        collection,
        query({ filter: { op: 'eq', field: 'colour', value: 'red' } }),
        llm,
      ),
    ).rejects.toMatchObject({ name: 'RetrievalFilterError', field: 'colour' });
    await expect(
      service.search(collection, query({ filter: { op: 'eq', field: 'tags', value: 'x' } }), llm),
    ).rejects.toBeInstanceOf(RetrievalFilterError);
  });

  it('rerank by model: over-fetches 2k candidates, keeps k in the rerank order', async () => {
    const results = await service.search(
      collection,
      query({ k: 2, rerank: { method: 'model' } }),
      llm,
    );
    const rerank = fake.received.find((r) => r.path.includes('rerank'))!;
    expect(rerank.body).toMatchObject({ model: 'rerank-a', top_n: 2 });
    expect(rerank.body.documents).toHaveLength(4);
    expect(results.hits).toHaveLength(2);
    expect(results.rerank).toEqual({ method: 'model', model: 'rerank-a', applied: true });
    expect(results.hits[0].scores.rerank).toBe(results.hits[0].score);
    expect(results.hits[0].score).toBeGreaterThanOrEqual(results.hits[1].score);
    expect(results.usage.inputTokens).toBe(fake.stats.inputTokens);
  });

  it('rerank by LLM listwise: follows the model order; an unusable answer keeps the fused order', async () => {
    const plain = await service.search(collection, query({ k: 3 }), llm);
    const candidates = await service.search(collection, query({ k: 6 }), llm);
    fake.respond((req) => {
      if (!isSchema(req, 'ranking')) return undefined;
      const count = (userText(req).match(/\[p\d+\]/g) ?? []).length;
      return {
        type: 'ok',
        json: { ranking: Array.from({ length: count }, (_, i) => `p${count - i}`) },
      };
    });
    const reversed = await service.search(
      collection,
      query({ k: 3, rerank: { method: 'llm' } }),
      llm,
    );
    expect(reversed.rerank).toEqual({ method: 'llm', applied: true });
    expect(reversed.hits.map((h) => h.chunkId)).toEqual(
      candidates.hits
        .map((h) => h.chunkId)
        .reverse()
        .slice(0, 3),
    );
    expect(reversed.hits[0].scores.rerank).toBe(1);
    expect(reversed.usage.outputTokens).toBeGreaterThan(0);

    fake.respond((req) =>
      isSchema(req, 'ranking') ? { type: 'ok', text: 'the first one, surely' } : undefined,
    );
    const fallback = await service.search(
      collection,
      query({ k: 3, rerank: { method: 'llm' } }),
      llm,
    );
    expect(fallback.rerank).toMatchObject({
      method: 'llm',
      applied: false,
      fallback: expect.stringContaining('ranking'),
    });
    expect(fallback.hits.map((h) => h.chunkId)).toEqual(plain.hits.map((h) => h.chunkId));
  });

  it('multi-query rewriting: searches every variant (one embedding call) and fuses them by RRF', async () => {
    fake.respond((req) =>
      isSchema(req, 'rewrites')
        ? {
            type: 'ok',
            json: { queries: ['reservation before streamed call', 'budget settles after call'] },
          }
        : undefined,
    );
    const results = await service.search(
      collection,
      query({ text: 'how is a budget held', rewrite: { queries: 2 } }),
      llm,
    );
    expect(results.queries).toEqual([
      'how is a budget held',
      'reservation before streamed call',
      'budget settles after call',
    ]);
    const embed = fake.received.find((r) => r.path.includes('embeddings'))!;
    expect(embed.body.input).toHaveLength(3);
    expect(results.hits[0].chunkId).toBe('doc1#0');
    expect(results.hits[0].scores.fused).toBeGreaterThan(1 / 61); // found by more than one query
    expect(results.usage.inputTokens).toBe(fake.stats.inputTokens);
  });

  it('trims the context to the token budget, best first', async () => {
    const results = await service.search(collection, query({ k: 5, contextTokens: 25 }), llm);
    expect(results.hits).toHaveLength(5);
    expect(results.context!.tokens).toBeLessThanOrEqual(25);
    expect(results.context!.chunkIds.length).toBeGreaterThan(0);
    expect(results.context!.chunkIds.length).toBeLessThan(5);
    expect(results.context!.chunkIds[0]).toBe(results.hits[0].chunkId);
    expect(results.context!.text.startsWith(results.hits[0].text)).toBe(true);
  });

  it('a store that is gone fails with StoreUnavailableError', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-search-gone-'));
    const gone = await LanceDbStore.connect({ dataDir: dir });
    try {
      await gone.createCollection({ id: collection.storeCollectionId, dimension: DIM });
      await rm(dir, { recursive: true, force: true });
      await expect(
        new SearchService(gone).search(collection, query({ mode: 'keyword' }), llm),
      ).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await gone.close();
    }
  });

  describe('the researcher through the tool loop', () => {
    let moduleRef: TestingModule;
    let capability: ToolsCapability;
    const lookup: CollectionLookup = {
      get: async (tenant, id) => (tenant === tenantId && id === collection.id ? collection : null),
    };

    @Global()
    @Module({
      providers: [
        { provide: VECTOR_STORE, useFactory: () => store },
        { provide: COLLECTION_LOOKUP, useValue: lookup },
        { provide: LlmService, useValue: { clientFor } },
      ],
      exports: [VECTOR_STORE, COLLECTION_LOOKUP, LlmService],
    })
    class TestRetrievalDeps {}

    beforeAll(async () => {
      moduleRef = await Test.createTestingModule({
        imports: [
          ConfigModule,
          PersistenceModule.forRoot('retrieval-search-test'),
          ToolsModule,
          SearchToolModule.register(TestRetrievalDeps),
        ],
      })
        .overrideProvider(Config)
        .useValue(loadConfig(env.env))
        .compile();
      await moduleRef.init();
      capability = moduleRef.get(ToolsCapability);
    });

    afterAll(async () => {
      await moduleRef?.close();
    });

    function context(input: JobInput<'researcher'>): {
      ctx: ActorContext;
      message: ActorMessage<'researcher'>;
    } {
      const controller = new AbortController();
      const jobId = randomUUID();
      const message = {
        jobId,
        tenantId,
        role: 'researcher',
        tier: 1,
        privacy: false,
        input,
        attempt: 1,
      };
      const scope: CapabilityScope = {
        message: message as unknown as CapabilityScope['message'],
        llm,
        signal: controller.signal,
        events: { token: () => undefined, publish: () => undefined },
        steps: new MemorySteps(),
        track: (work) => work,
      };
      const ctx = {
        llm,
        signal: controller.signal,
        tools: capability.forRun(scope),
        usage: () => ({ inputTokens: 0, outputTokens: 0, costMicros: 0 }),
      } as unknown as ActorContext;
      return { ctx, message: message as unknown as ActorMessage<'researcher'> };
    }

    const researcher = () =>
      new (ROLE_ACTORS.find(
        (a) => a.name === 'ResearcherActor',
      )!)() as unknown as ActorHandler<'researcher'>;

    it('searches the named collection and cites only chunks it retrieved', async () => {
      let searched: { chunkId: string }[] = [];
      fake.respond((req) => {
        const tool = (req.body?.messages ?? []).find((m: { role: string }) => m.role === 'tool');
        if (!tool) {
          return {
            type: 'ok',
            toolCalls: [
              {
                name: 'search_collection',
                arguments: { collection: 'c1', query: 'budget pools refuse calls', k: 3 },
              },
            ],
          };
        }
        searched = (JSON.parse(String(tool.content)) as { hits: { chunkId: string }[] }).hits;
        return {
          type: 'ok',
          json: {
            answer: 'Pools refuse calls at their hard limit.',
            citations: [
              { chunkId: searched[0].chunkId, quote: 'refuse calls once their hard limit' },
              { chunkId: 'doc5#0' }, // a real chunk, but not retrieved in this run
              { chunkId: 'made-up#1' },
            ],
          },
        };
      });
      const { ctx, message } = context({
        question: 'When do budget pools refuse calls?',
        collections: ['c1'],
      });
      const result = await researcher().handle(message, ctx);
      expect(searched.map((h) => h.chunkId)).toContain('doc0#0');
      expect(searched.map((h) => h.chunkId)).not.toContain('doc5#0');
      expect(result.answer).toBe('Pools refuse calls at their hard limit.');
      expect(result.text).toBe(result.answer);
      expect(result.citations).toEqual([
        {
          chunkId: searched[0].chunkId,
          documentId: searched[0].chunkId.split('#')[0],
          source: 'handbook/0.md', // no DocumentInfoLookup here: the chunk's own source
          quote: 'refuse calls once their hard limit',
        },
      ]);
    });

    it("another tenant's collection is not found by the tool, so nothing can be cited", async () => {
      fake.respond((req) => {
        const tool = (req.body?.messages ?? []).find((m: { role: string }) => m.role === 'tool');
        if (!tool) {
          return {
            type: 'ok',
            toolCalls: [{ name: 'search_collection', arguments: { collection: 'c2', query: 'x' } }],
          };
        }
        return {
          type: 'ok',
          json: { answer: `I found nothing: ${String(tool.content)}`, citations: ['doc0#0'] },
        };
      });
      const { ctx, message } = context({ question: 'anything?', collections: ['c2'] });
      const result = await researcher().handle(message, ctx);
      expect(result.answer).toContain('No collection "c2"');
      expect(result.citations).toEqual([]);
    });

    it('without collections answers in one call with no citations', async () => {
      fake.script({ type: 'ok', text: 'Forty two' });
      const { ctx, message } = context({ question: 'What is six times seven?' });
      const result = await researcher().handle(message, ctx);
      expect(result).toMatchObject({ text: 'Forty two', answer: 'Forty two', citations: [] });
      expect(fake.stats.chatRequests).toBe(1);
    });
  });
});
