import { Logger } from '@nestjs/common';
import {
  BudgetPoolsCache,
  BudgetService,
  type BudgetSubject,
  type CallQuote,
  type CallRegistration,
  type InputBoundAlert,
  type Reservation,
  type ReserveResult,
  type SettleRecord,
} from '@switchboard/budget';
import { loadConfig } from '@switchboard/config';
import {
  BudgetExceededError,
  LlmRouter,
  ModelCatalogue,
  ProviderGate,
  ProvidersExhaustedError,
  byteBound,
  createAdapter,
  estimateMessageTokens,
  estimateTokens,
  type AnswerSlot,
  type CallBudget,
  type LlmRequest,
  type LlmResponse,
  type LlmRouting,
  type LlmStreamEvent,
  type ModelCatalogueFile,
} from '@switchboard/llm';
import type { InvocationRow } from '@switchboard/persistence';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { createBudgetKit, type BudgetKit } from '../support/budget-kit';
import { startFakeProvider, type FakeProviderServer } from '../support/fake-providers';
import { CapturingSink, fakeModel, fakeProvider } from '../support/router-kit';

// The router on the spend ledger: real SDKs against fake provider servers, the real budget
// scripts in Redis. With the durable log every attempt is registered at its reservation and
// its row is appended to the ledger stream by its settlement, under the reservation's id; an
// answer the caller got is journaled into the slot the request names, in the same write.

/** The budget service, observed: what each attempt asked of it. */
class ObservedBudget implements CallBudget {
  readonly quotes: CallQuote[] = [];
  readonly registrations: CallRegistration[] = [];
  readonly reservations: (Reservation | null)[] = [];

  constructor(private readonly budget: BudgetService) {}

  async reserve(
    subject: BudgetSubject | null,
    quote: CallQuote,
    register?: CallRegistration,
  ): Promise<ReserveResult> {
    this.quotes.push(quote);
    if (register) this.registrations.push(register);
    const result = await this.budget.reserve(subject, quote, register);
    if (result.ok) this.reservations.push(result.reservation);
    return result;
  }

  settle(reservation: Reservation | null, actual: number, record?: SettleRecord): Promise<void> {
    return this.budget.settle(reservation, actual, record);
  }
}

const content = 'say something short please';
const messages = [{ role: 'user' as const, content }];

describe('LLM router on the spend ledger', () => {
  let kit: BudgetKit;
  let redis: Redis;
  let a: FakeProviderServer; // openai, tier 1, first
  let b: FakeProviderServer; // anthropic, tier 1, second
  let wordy: FakeProviderServer; // openai whose tokenizer counts 5 tokens a word
  let n = 0;
  const reports: InputBoundAlert[] = [];

  beforeAll(async () => {
    kit = await createBudgetKit('llm-router-ledger-int-spec', {
      BUDGET_POOL_CACHE_MS: '0',
      BUDGET_MIN_OUTPUT_TOKENS: '1',
    });
    redis = kit.redis;
    [a, b, wordy] = await Promise.all([
      startFakeProvider('openai'),
      startFakeProvider('anthropic'),
      startFakeProvider('openai', { inputTokenFactor: 5 }),
    ]);
  });

  beforeEach(() => {
    for (const fake of [a, b, wordy]) fake.reset();
    reports.length = 0;
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    await Promise.all([a, b, wordy].map((f) => f?.close()));
    await kit?.close();
  });

  const tier1: ModelCatalogueFile['models'] = [
    fakeModel('a', 'a-model', [1], { priority: 1 }),
    fakeModel('b', 'b-model', [1], { priority: 2 }),
  ];

  /** A router over the fakes on the real budget (a fresh gate each time). */
  function build(
    opts: {
      durableLog?: boolean;
      models?: ModelCatalogueFile['models'];
      withoutBudget?: boolean;
      env?: Record<string, string>;
    } = {},
  ): { router: LlmRouter; budget: ObservedBudget; sink: CapturingSink } {
    const config = loadConfig({
      LLM_REQUEST_TIMEOUT_MS: '2000',
      LLM_BREAKER_MIN_CALLS: '100',
      ...opts.env,
    }).llm;
    const catalogue = new ModelCatalogue(
      {
        version: 1,
        providers: [fakeProvider('a', a), fakeProvider('b', b), fakeProvider('wordy', wordy)],
        models: opts.models ?? tier1,
      },
      new Map(),
      'test',
    );
    const adapters = new Map(
      [...catalogue.providers.values()].map((p) => [p.name, createAdapter(p, config)]),
    );
    const gate = new ProviderGate(
      redis,
      `${kit.config.redis.prefix}:gate:${++n}`,
      config.breaker,
      config.requestTimeoutMs,
    );
    // The service as the app binds it, with a sink that hears about input overruns.
    const service = new BudgetService(
      redis,
      kit.config,
      kit.moduleRef.get(BudgetPoolsCache),
      kit.clock,
      { alert: () => undefined, inputBoundExceeded: (r) => void reports.push(r) },
    );
    const budget = new ObservedBudget(service);
    const sink = new CapturingSink();
    const router = new LlmRouter({
      catalogue,
      adapters,
      gate,
      invocations: sink,
      budget: opts.withoutBudget ? undefined : budget,
      durableLog: opts.durableLog ?? true,
      config,
      unhealthy: () => new Set<string>(),
    });
    return { router, budget, sink };
  }

  /** A job of a fresh tenant, with a daily pool of `limitMicros` (none when null). */
  async function job(limitMicros: number | null = 1_000_000): Promise<LlmRouting> {
    const tenantId = await kit.tenant();
    if (limitMicros !== null) {
      await kit.pools.create({ tenantId, scope: 'tenant', period: 'daily', limitMicros });
    }
    return { tier: 1, privacy: false, job: { jobId: randomUUID(), tenantId, role: 'coder' } };
  }

  /** The rows the ledger stream holds for a job (or, with `ids`, for those attempts). */
  async function ledgerRows(filter: { jobId?: string; ids?: string[] }): Promise<InvocationRow[]> {
    const entries = await redis.xrange(kit.budget.invocationStream, '-', '+');
    return entries
      .map(([, fields]) => JSON.parse(fields[fields.indexOf('r') + 1]) as InvocationRow)
      .filter((r) => (filter.jobId ? r.jobId === filter.jobId : filter.ids?.includes(r.id!)));
  }
  const summary = (rows: InvocationRow[]) => rows.map((r) => `${r.provider}:${r.outcome}`);

  async function collect(
    router: LlmRouter,
    request: LlmRequest,
    routing: LlmRouting,
  ): Promise<LlmStreamEvent[]> {
    const events: LlmStreamEvent[] = [];
    for await (const event of router.stream(request, routing)) events.push(event);
    return events;
  }
  const doneOf = (events: LlmStreamEvent[]) =>
    (events.at(-1) as Extract<LlmStreamEvent, { type: 'done' }>).response;

  const slot = (): AnswerSlot => ({
    key: `${kit.config.redis.prefix}:journal:${randomUUID()}`,
    field: String(Math.floor(Math.random() * 10)),
    ttlMs: 120_000,
  });
  const journaled = async (s: AnswerSlot): Promise<LlmResponse | null> => {
    const value = await redis.hget(s.key, s.field);
    return value === null ? null : (JSON.parse(value) as LlmResponse);
  };

  describe('the durable log', () => {
    it('chat: one row per attempt, under its reservation id, failed-over attempts included', async () => {
      const { router, budget, sink } = build();
      const routing = await job();
      a.script({ type: 'status', status: 503 });
      const response = await router.chat({ messages }, routing);
      expect(response.provider).toBe('b');

      const rows = await ledgerRows({ jobId: routing.job!.jobId });
      expect(summary(rows)).toEqual(['a:failed_over', 'b:ok']);
      expect(rows.map((r) => r.attempt)).toEqual([1, 2]);
      expect(rows.map((r) => r.callKind)).toEqual(['chat', 'chat']);
      const ids = budget.reservations.map((r) => r!.id);
      expect(rows.map((r) => r.id)).toEqual(ids);
      expect(budget.registrations.map((r) => r.id)).toEqual(ids);
      expect(rows[0]).toMatchObject({ errorClass: 'provider-server', costMicros: 0 });
      expect(rows[1]).toMatchObject({
        costMicros: response.usage.costMicros,
        inputTokens: response.usage.inputTokens,
        tenantId: routing.job!.tenantId,
      });
      // Each attempt was registered with the row to log should its process die.
      expect(JSON.parse(budget.registrations[1].row)).toMatchObject({
        id: ids[1],
        outcome: 'lost',
        errorClass: 'process_lost',
        provider: 'b',
      });
      // Both settled: nothing is left to expire, and nothing went to the in-memory log.
      const held = await redis.zrange(`${kit.config.redis.prefix}:budget:reservations`, 0, -1);
      expect(held.filter((id) => ids.includes(id))).toEqual([]);
      expect(sink.rows).toEqual([]);
    });

    it('stream: one row per attempt, under its reservation id, the failover included', async () => {
      const { router, budget } = build();
      const routing = await job();
      a.script({ type: 'status', status: 500 });
      const events = await collect(router, { messages, maxTokens: 8 }, routing);
      expect(events.map((e) => e.type)).toContain('failover');
      const rows = await ledgerRows({ jobId: routing.job!.jobId });
      expect(summary(rows)).toEqual(['a:failed_over', 'b:ok']);
      expect(rows.map((r) => r.callKind)).toEqual(['stream', 'stream']);
      expect(rows.map((r) => r.id)).toEqual(budget.reservations.map((r) => r!.id));
      expect(rows[1].costMicros).toBe(doneOf(events).usage.costMicros);
    });

    it('registers and logs a call made outside any job', async () => {
      const { router, budget } = build();
      const response = await router.chat({ messages }, { tier: 1, privacy: false });
      expect(budget.reservations).toHaveLength(1);
      const [reservation] = budget.reservations;
      const rows = await ledgerRows({ ids: [reservation!.id] });
      expect(rows).toMatchObject([
        { outcome: 'ok', jobId: null, tenantId: null, costMicros: response.usage.costMicros },
      ]);
    });

    it('is refused without a budget to write it with', () => {
      expect(() => build({ withoutBudget: true })).toThrow(
        'the durable invocation log needs budget',
      );
      expect(build({ withoutBudget: true, durableLog: false }).router).toBeInstanceOf(LlmRouter);
    });

    it('carries the prompt in the row when prompt logging is on', async () => {
      const quiet = build();
      const loud = build({ env: { LLM_LOG_PROMPTS: 'true' } });
      const routing = await job();
      await quiet.router.chat({ messages }, routing);
      await loud.router.chat({ messages }, routing);
      const rows = await ledgerRows({ jobId: routing.job!.jobId });
      expect(rows.map((r) => r.prompt)).toEqual([undefined, messages]);
    });

    it('registers a call of an unpriced model, and logs it at no cost', async () => {
      const { router, budget } = build({
        models: [fakeModel('a', 'free-model', [1], { prices: undefined })],
      });
      const routing = await job();
      const response = await router.chat({ messages }, routing);
      expect(budget.quotes[0].prices).toEqual({ input: 0, output: 0, cachedInput: 0 });
      expect(budget.reservations[0]).toMatchObject({ amountMicros: 0 });
      const [row] = await ledgerRows({ jobId: routing.job!.jobId });
      expect(row).toMatchObject({ id: budget.reservations[0]!.id, outcome: 'ok', costMicros: 0 });
      expect(row.inputTokens).toBe(response.usage.inputTokens);
      expect(row.inputTokens).toBeGreaterThan(0);
    });

    it('settles and logs at its own count a provider that reports no usage', async () => {
      const { router } = build();
      const routing = await job();
      a.script({ type: 'ok', omitUsage: true }, { type: 'ok', omitUsage: true });
      const chat = await router.chat({ messages }, routing);
      const streamed = doneOf(await collect(router, { messages }, routing));
      // Our o200k count of the prompt; of the output, its text (chat) or one token a delta.
      const inputTokens = estimateMessageTokens(messages);
      const counted = [
        { inputTokens, outputTokens: estimateTokens(chat.text) },
        { inputTokens, outputTokens: 8 },
      ];
      expect([chat.usage, streamed.usage]).toMatchObject(counted);
      const rows = await ledgerRows({ jobId: routing.job!.jobId });
      expect(rows).toMatchObject(counted);
      expect(rows.map((r) => r.costMicros)).toEqual([
        chat.usage.costMicros,
        streamed.usage.costMicros,
      ]);
    });

    it('off: rows go to the in-memory log, and a call outside a job reserves nothing', async () => {
      const { router, budget, sink } = build({ durableLog: false });
      const before = await redis.xlen(kit.budget.invocationStream);
      a.script({ type: 'status', status: 503 });
      await router.chat({ messages }, { tier: 1, privacy: false });
      expect(sink.summary()).toEqual(['a/a-model:failed_over', 'b/b-model:ok']);
      expect(budget.quotes).toEqual([]);
      expect(await redis.xlen(kit.budget.invocationStream)).toBe(before);
    });
  });

  describe('the answer journal', () => {
    it('journals a chat answer into the slot the request names, with its TTL', async () => {
      const { router } = build();
      const s = slot();
      const response = await router.chat({ messages, journal: s }, await job());
      expect(await journaled(s)).toEqual(response);
      const ttl = await redis.pttl(s.key);
      expect(ttl).toBeGreaterThan(60_000);
      expect(ttl).toBeLessThanOrEqual(120_000);
    });

    it('journals a streamed answer, and one ended by a stop condition', async () => {
      const { router } = build();
      const routing = await job();
      const whole = slot();
      const full = doneOf(await collect(router, { messages, journal: whole }, routing));
      expect(full.finishReason).not.toBe('budget_exhausted');
      expect(await journaled(whole)).toEqual(full);

      const stopped = slot();
      const events = await collect(
        router,
        { messages, journal: stopped, stop: { strings: ['tok3'] } },
        routing,
      );
      const answer = doneOf(events);
      expect(answer).toMatchObject({ finishReason: 'stop', text: 'tok1 tok2 ' });
      expect(await journaled(stopped)).toEqual(answer);
      const rows = await ledgerRows({ jobId: routing.job!.jobId });
      expect(summary(rows)).toEqual(['a:ok', 'a:stopped']);
    });

    it('journals the text a stop condition held back when the stream ends without a match', async () => {
      const { router } = build();
      const s = slot();
      // 'tok' could begin 'tok9': the end of each delta is held back until the next one.
      const events = await collect(
        router,
        { messages, journal: s, stop: { strings: ['tok9'] } },
        await job(),
      );
      const answer = doneOf(events);
      const shown = events.flatMap((e) => (e.type === 'delta' ? [e.text] : [])).join('');
      expect(answer.text).toBe('tok1 tok2 tok3 tok4 tok5 tok6 tok7 tok8');
      expect(shown).toBe(answer.text);
      expect(await journaled(s)).toEqual(answer);
    });

    it('journals a chat answer cut by a stop string (the provider cannot be stopped early)', async () => {
      const { router } = build();
      const s = slot();
      const response = await router.chat(
        { messages, journal: s, stop: { strings: ['tok2'] } },
        await job(),
      );
      expect(response).toMatchObject({ finishReason: 'stop', text: 'tok1 ' });
      expect(await journaled(s)).toEqual(response);
    });

    it('journals a stream cut off when its reservation ran out', async () => {
      const { router } = build();
      // Input at its byte bound (no factor in the catalogue) plus 3 output tokens.
      const input = byteBound([content]);
      const routing = await job(input + 3 * 2);
      a.script({ type: 'ok', ignoreMaxTokens: true });
      const s = slot();
      const events = await collect(router, { messages, maxTokens: 8, journal: s }, routing);
      expect(events[0]).toEqual({
        type: 'budget',
        event: 'max_tokens_lowered',
        requested: 8,
        maxTokens: 3,
      });
      const answer = doneOf(events);
      expect(answer).toMatchObject({ finishReason: 'budget_exhausted', text: 'tok1 tok2 tok3' });
      expect(await journaled(s)).toEqual(answer);
      const [row] = await ledgerRows({ jobId: routing.job!.jobId });
      expect(row).toMatchObject({ outcome: 'budget_exhausted', outputTokens: 4 });
    });

    it('journals nothing for a call that failed, or a stream its reader left', async () => {
      const { router } = build();
      const routing = await job();
      a.setDefault({ type: 'status', status: 500 });
      b.setDefault({ type: 'status', status: 500 });
      const failedChat = slot();
      await expect(router.chat({ messages, journal: failedChat }, routing)).rejects.toBeInstanceOf(
        ProvidersExhaustedError,
      );
      const failedStream = slot();
      await expect(
        collect(router, { messages, journal: failedStream }, routing),
      ).rejects.toBeInstanceOf(ProvidersExhaustedError);
      a.setDefault({ type: 'ok' });
      const left = slot();
      for await (const event of router.stream({ messages, journal: left }, routing)) {
        if (event.type === 'delta') break;
      }
      for (const s of [failedChat, failedStream, left]) expect(await journaled(s)).toBeNull();
      const rows = await ledgerRows({ jobId: routing.job!.jobId });
      expect(summary(rows)).toEqual([
        'a:failed_over',
        'b:failed',
        'a:failed_over',
        'b:failed',
        'a:stopped',
      ]);
    });

    it('journals an answer that held no reservation (no pool applied)', async () => {
      const { router, budget } = build({ durableLog: false });
      const s = slot();
      const response = await router.chat({ messages, journal: s }, await job(null));
      expect(budget.reservations).toEqual([null]);
      expect(await journaled(s)).toEqual(response);
    });
  });

  describe('the input bound', () => {
    const models = (factor?: number) => [
      fakeModel('a', 'a-model', [1], factor === undefined ? {} : { inputTokenFactor: factor }),
    ];

    it('reserves the byte bound for a model the catalogue gives no factor', async () => {
      const { router, budget } = build({ models: models() });
      await router.chat({ messages }, await job());
      expect(budget.quotes.map((q) => q.inputTokens)).toEqual([byteBound([content])]);
      expect(budget.quotes[0].model).toBe('a/a-model');
    });

    it("reserves our count times the model's factor, never above the byte bound", async () => {
      const counted = estimateMessageTokens(messages);
      const scaled = build({ models: models(1.5) });
      await scaled.router.chat({ messages }, await job());
      expect(scaled.budget.quotes[0].inputTokens).toBe(Math.ceil(counted * 1.5));
      expect(Math.ceil(counted * 1.5)).toBeLessThan(byteBound([content]));

      const capped = build({ models: models(16) });
      await capped.router.chat({ messages }, await job());
      expect(capped.budget.quotes[0].inputTokens).toBe(byteBound([content]));
    });

    it('learns from a provider that counts more input than the bound, and reserves more next time', async () => {
      const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      const model = `wordy-${randomUUID()}`;
      const { router, budget } = build({
        models: [fakeModel('wordy', model, [1], { inputTokenFactor: 1 })],
      });
      const routing = await job();
      const first = await router.chat({ messages }, routing);
      const bound = budget.quotes[0].inputTokens;
      expect(first.usage.inputTokens).toBeGreaterThan(bound);
      expect(reports).toEqual([
        {
          model: `wordy/${model}`,
          reservedInputTokens: bound,
          reportedInputTokens: first.usage.inputTokens,
          tenantId: routing.job!.tenantId,
        },
      ]);
      await router.chat({ messages }, routing);
      expect(budget.reservations[1]!.inputTokens).toBeGreaterThanOrEqual(first.usage.inputTokens);
      expect(reports).toHaveLength(1); // covered now
      expect(errors).toHaveBeenCalledTimes(1);
    });
  });

  describe('the overrun check', () => {
    it('takes only a count the provider reported, never our own estimate', async () => {
      // A model the catalogue says counts half our tokens: a stream stopped early, or a
      // provider that sends no usage, is settled at our own count, which is above the bound.
      const model = `half-${randomUUID()}`;
      const { router, budget } = build({
        models: [fakeModel('a', model, [1], { inputTokenFactor: 0.5 })],
      });
      const routing = await job();
      const stopped = doneOf(
        await collect(router, { messages, stop: { strings: ['tok2'] } }, routing),
      );
      a.script({ type: 'ok', omitUsage: true });
      const unreported = await router.chat({ messages }, routing);
      const bound = budget.quotes[0].inputTokens;
      expect(bound).toBe(Math.ceil(estimateMessageTokens(messages) * 0.5));
      expect([stopped.usage.inputTokens, unreported.usage.inputTokens]).toEqual([
        estimateMessageTokens(messages),
        estimateMessageTokens(messages),
      ]);
      expect(stopped.usage.inputTokens).toBeGreaterThan(bound);
      expect(reports).toEqual([]);
      expect(
        await redis.hget(`${kit.config.redis.prefix}:budget:input-factor`, `a/${model}`),
      ).toBeNull();
      // What the provider reports is still checked: it counted 4 words, within the bound.
      await router.chat({ messages }, routing);
      expect(reports).toEqual([]);
    });
  });

  describe('budget refusals', () => {
    it('skips a candidate its budget cannot cover and refuses when none fits', async () => {
      const { router, budget } = build();
      const routing = await job(10); // less than the input alone
      await expect(router.chat({ messages }, routing)).rejects.toBeInstanceOf(BudgetExceededError);
      expect(a.stats.chatRequests + b.stats.chatRequests).toBe(0);
      expect(budget.registrations).toHaveLength(2);
      expect(await ledgerRows({ jobId: routing.job!.jobId })).toEqual([]);
    });
  });
});
