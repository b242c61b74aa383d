import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { Config, ConfigModule, loadConfig } from '@switchboard/config';
import { InvocationDrain, InvocationLog } from '@switchboard/llm';
import type { Role, Tier } from '@switchboard/catalogue';
import {
  InvocationsRepository,
  PersistenceModule,
  type InvocationOutcome,
  type InvocationRow,
} from '@switchboard/persistence';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { queryEnv } from '../support/store-probe';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { waitUntil } from '../support/worker-kit';

// The LLM invocation log on real PostgreSQL: the batch writer, the daily rollup and the
// analytics queries in sql/analytics. Each group of tests uses its own provider name or its
// own dates, so they share one schema without seeing each other's rows.

const TENANT = randomUUID();
const NO_TENANT = '00000000-0000-0000-0000-000000000000';

const row = (overrides: Partial<InvocationRow> = {}): InvocationRow => ({
  startedAt: new Date(),
  jobId: randomUUID(),
  tenantId: TENANT,
  role: 'coder',
  tier: 1,
  provider: 'groq',
  model: 'llama-3.1-8b',
  callKind: 'chat',
  attempt: 1,
  outcome: 'ok',
  inputTokens: 10,
  outputTokens: 5,
  costMicros: 100,
  latencyMs: 50,
  ...overrides,
});

const sqlFile = (name: string) =>
  readFileSync(join(__dirname, '..', '..', 'sql', 'analytics', name), 'utf8');
/** pg reads a `date` as local midnight; its local parts are the day. */
const ymd = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

describe('LLM invocation log (PostgreSQL)', () => {
  let env: TestEnv;
  let config: Config;
  let moduleRef: TestingModule;
  let repo: InvocationsRepository;
  let db: DataSource;
  // The in-memory log on its own (the durable ledger has its own suite).
  const noLedger = { flush: () => Promise.resolve() } as unknown as InvocationDrain;

  const count = async (provider: string) =>
    Number(
      (
        await db.query<{ n: string }[]>(
          'SELECT count(*) AS n FROM llm_invocations WHERE provider = $1',
          [provider],
        )
      )[0].n,
    );
  const logWith = (overrides: Record<string, string>) =>
    new InvocationLog(repo, loadConfig({ ...env.env, ...overrides }), noLedger);

  beforeAll(async () => {
    env = await createTestEnv({
      LLM_INVOCATION_LOG: 'memory',
      LLM_INVOCATION_BATCH_SIZE: '4',
      LLM_INVOCATION_FLUSH_MS: '20',
    });
    config = loadConfig(env.env);
    moduleRef = await Test.createTestingModule({
      imports: [ConfigModule, PersistenceModule.forRoot('invocation-log-int-spec')],
      providers: [InvocationLog, { provide: InvocationDrain, useValue: noLedger }],
    })
      .overrideProvider(Config)
      .useValue(config)
      .compile();
    await moduleRef.init();
    repo = moduleRef.get(InvocationsRepository);
    db = moduleRef.get(DataSource);
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    await moduleRef?.close();
    await env?.cleanup();
  });

  describe('batch writer', () => {
    it('writes a batch of any size in one statement (one round trip)', async () => {
      const statements = jest.spyOn(Client.prototype, 'query');
      await repo.insertMany(
        Array.from({ length: 5000 }, (_, i) => row({ provider: 'one-trip', latencyMs: i })),
      );
      expect(statements).toHaveBeenCalledTimes(1);
      expect(await count('one-trip')).toBe(5000);
    });

    it('writes every row, in batches of invocationBatchSize, and flush() drains', async () => {
      const log = moduleRef.get(InvocationLog);
      const batches = jest.spyOn(repo, 'insertMany');
      for (let i = 0; i < 10; i++) log.record(row({ provider: 'batched', attempt: i + 1 }));
      await log.flush();
      expect(batches.mock.calls.map(([rows]) => rows.length)).toEqual([4, 4, 2]);
      expect(log.pendingRows).toBe(0);
      const attempts = await db.query<{ attempt: number }[]>(
        `SELECT attempt FROM llm_invocations WHERE provider = 'batched' ORDER BY attempt`,
      );
      expect(attempts.map((r) => r.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    });

    it('writes a partial batch on its timer, without flush()', async () => {
      const log = moduleRef.get(InvocationLog);
      log.record(row({ provider: 'timed' }));
      log.record(row({ provider: 'timed' }));
      await waitUntil(async () => (await count('timed')) === 2, 'the timed flush');
    });

    it('keeps the prompt only when prompt logging is on', async () => {
      const prompt = [{ role: 'user', content: 'hello "quoted" \\ and \u0000 nul' }];
      const off = logWith({ LLM_LOG_PROMPTS: 'false' });
      const on = logWith({ LLM_LOG_PROMPTS: 'true' });
      off.record(row({ provider: 'prompt-off', prompt }));
      on.record(row({ provider: 'prompt-on', prompt }));
      await Promise.all([off.flush(), on.flush()]);
      const prompts = await db.query<{ provider: string; prompt: unknown }[]>(
        `SELECT provider, prompt FROM llm_invocations WHERE provider LIKE 'prompt-%' ORDER BY provider`,
      );
      expect(prompts).toEqual([
        { provider: 'prompt-off', prompt: null },
        {
          provider: 'prompt-on',
          prompt: [{ role: 'user', content: 'hello "quoted" \\ and \ufffd nul' }],
        },
      ]);
    });

    it('fits odd values to their columns instead of failing the batch', async () => {
      const log = logWith({});
      log.record(
        row({
          provider: 'odd',
          jobId: 'not-a-uuid',
          errorMessage: 'x'.repeat(2000),
          errorClass: 'e'.repeat(100),
          latencyMs: 12.7,
          prompt: undefined,
        }),
      );
      await log.flush();
      const [stored] = await db.query(
        `SELECT job_id, length(error_message) AS msg, length(error_class) AS cls, latency_ms
           FROM llm_invocations WHERE provider = 'odd'`,
      );
      expect(stored).toEqual({ job_id: null, msg: 500, cls: 32, latency_ms: 13 });
      expect(log.droppedRows).toBe(0);
    });

    /** The log's error lines (silenced: these tests fail writes on purpose). */
    const errorLog = () =>
      jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

    it('retries a failed batch once, then drops it and counts the drop', async () => {
      const errors = errorLog();
      const log = logWith({});
      const insert = jest.spyOn(repo, 'insertMany');
      insert.mockRejectedValueOnce(new Error('connection refused'));
      for (let i = 0; i < 3; i++) log.record(row({ provider: 'retried' }));
      await log.flush();
      expect(await count('retried')).toBe(3);
      expect(log.droppedRows).toBe(0);

      insert
        .mockRejectedValueOnce(new Error('down'))
        .mockRejectedValueOnce(new Error('still down'));
      for (let i = 0; i < 3; i++) log.record(row({ provider: 'lost' }));
      await log.flush();
      expect(await count('lost')).toBe(0);
      expect(log.droppedRows).toBe(3);
      expect(log.pendingRows).toBe(0);
      expect(errors.mock.calls.map(([message]) => String(message))).toEqual([
        'writing 3 invocation rows failed, will retry once: connection refused',
        'writing 3 invocation rows failed, will retry once: down',
        'writing 3 invocation rows failed, again; dropped: still down',
      ]);
    });

    it('bounds the buffer while a write hangs, dropping the oldest rows', async () => {
      const errors = errorLog();
      const batchSize = 5000;
      const log = logWith({ LLM_INVOCATION_BATCH_SIZE: String(batchSize) });
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const insertMany = repo.insertMany.bind(repo);
      jest.spyOn(repo, 'insertMany').mockImplementationOnce(async (rows) => {
        await gate;
        return insertMany(rows);
      });
      const extra = 7;
      const total = batchSize + log.bufferLimit + extra;
      // latencyMs numbers the rows; the first batch leaves the buffer when its write starts.
      for (let i = 0; i < total; i++) log.record(row({ provider: 'bounded', latencyMs: i }));
      expect(log.droppedRows).toBe(extra);
      expect(log.pendingRows).toBe(log.bufferLimit);
      release();
      await log.flush();
      expect(await count('bounded')).toBe(total - extra);
      const [{ missing }] = await db.query<{ missing: number[] }[]>(
        `SELECT array_agg(n ORDER BY n) AS missing
           FROM generate_series(0, $1) n
          WHERE NOT EXISTS (SELECT 1 FROM llm_invocations
                             WHERE provider = 'bounded' AND latency_ms = n)`,
        [total - 1],
      );
      expect(missing).toEqual(Array.from({ length: extra }, (_, i) => batchSize + i));
      expect(errors).toHaveBeenCalledWith(expect.stringMatching(/dropped the 7 oldest/));
    });

    it('flushes what is left when the application shuts down', async () => {
      const app = await Test.createTestingModule({
        imports: [ConfigModule, PersistenceModule.forRoot('invocation-log-shutdown')],
        providers: [InvocationLog, { provide: InvocationDrain, useValue: noLedger }],
      })
        .overrideProvider(Config)
        .useValue(loadConfig({ ...env.env, LLM_INVOCATION_FLUSH_MS: '60000' }))
        .compile();
      await app.init();
      app.get(InvocationLog).record(row({ provider: 'at-shutdown' }));
      await app.close();
      const rows = await queryEnv(
        env,
        `SELECT 1 FROM llm_invocations WHERE provider = 'at-shutdown'`,
      );
      expect(rows).toHaveLength(1);
    });
  });

  describe('daily rollup', () => {
    const at = (iso: string, overrides: Partial<InvocationRow> = {}) =>
      row({ startedAt: new Date(iso), provider: 'rollup', ...overrides });
    const outsideJobs = { tenantId: null, role: null };
    /** Rollup rows as arrays, in the order of the comment in the first test. */
    const rollupRows = async () =>
      (
        await db.query<Record<string, unknown>[]>(
          `SELECT to_char(day, 'MM-DD'), tenant_id, role, outcome, calls::int,
                  input_tokens::int, output_tokens::int, cached_input_tokens::int,
                  cost_micros::int, latency_ms_sum::int, latency_ms_p50, latency_ms_p95,
                  latency_ms_p99, ttft_ms_p50, ttft_ms_p95, ttft_ms_p99, tier, provider, model
             FROM llm_invocations_daily
            WHERE provider = 'rollup'
            ORDER BY day, tenant_id, role, outcome`,
        )
      ).map((r) => Object.values(r));

    beforeAll(async () => {
      // 100 ok streams on 2024-03-01 (latency 1..100 ms), the last a millisecond before
      // midnight UTC; one failure; then two calls outside any job from midnight on 03-02.
      const streams = Array.from({ length: 100 }, (_, i) =>
        at(`2024-03-01T${i === 99 ? '23:59:59.999' : '12:00:00.000'}Z`, {
          callKind: 'stream',
          latencyMs: i + 1,
          ttftMs: i + 1 < 50 ? 10 : 20,
          inputTokens: 100,
          outputTokens: 10,
          cachedInputTokens: 40,
          costMicros: 1000,
        }),
      );
      await repo.insertMany([
        ...streams,
        at('2024-03-01T08:00:00Z', { outcome: 'failed', latencyMs: 7, costMicros: 0 }),
        at('2024-03-02T00:00:00.000Z', { ...outsideJobs, latencyMs: 30, costMicros: 5 }),
        at('2024-03-02T10:00:00Z', { ...outsideJobs, latencyMs: 10, costMicros: 5 }),
        at('2024-03-03T00:00:00Z'), // outside the refreshed days
      ]);
    });

    it('sums and ranks each UTC day per tenant, role, tier, provider, model and outcome', async () => {
      const written = await repo.refreshDailyRollup(
        new Date('2024-03-01T15:00:00Z'),
        new Date('2024-03-02T23:00:00Z'),
      );
      expect(written).toBe(3);
      // day, tenant, role, outcome, calls, input/output/cached tokens, cost, latency sum,
      // latency p50/p95/p99, ttft p50/p95/p99 (then tier, provider and model, as seeded)
      const expected = [
        ['03-01', TENANT, 'coder', 'failed', 1, 10, 5, 0, 0, 7, 7, 7, 7, null, null, null],
        ['03-01', TENANT, 'coder', 'ok', 100, 1e4, 1000, 4000, 1e5, 5050, 50, 95, 99, 20, 20, 20],
        ['03-02', NO_TENANT, '', 'ok', 2, 20, 10, 0, 10, 40, 10, 30, 30, null, null, null],
      ];
      expect(await rollupRows()).toEqual(expected.map((r) => [...r, 1, 'rollup', 'llama-3.1-8b']));
    });

    it('is idempotent, and a later refresh picks up late rows', async () => {
      const day1 = new Date('2024-03-01T00:00:00Z');
      const day2 = new Date('2024-03-02T00:00:00Z');
      await repo.refreshDailyRollup(day1, day2);
      const before = await rollupRows();
      expect(await repo.refreshDailyRollup(day1, day2)).toBe(3);
      expect(await rollupRows()).toEqual(before);

      await repo.insertMany([at('2024-03-02T12:00:00Z', { ...outsideJobs, latencyMs: 50 })]);
      expect(await repo.refreshDailyRollup(day2)).toBe(1);
      const after = await rollupRows();
      expect(after.slice(0, 2)).toEqual(before.slice(0, 2));
      // calls 3, latency sum 90, p50 30
      expect([after[2][4], after[2][9], after[2][10]]).toEqual([3, 90, 30]);
    });
  });

  describe('analytics queries (sql/analytics)', () => {
    const june = (day: number) => new Date(Date.UTC(2024, 5, day, 12)); // month 5 is June
    type Seed = [
      number,
      Role | null,
      Tier,
      string,
      InvocationOutcome,
      string | null,
      number,
      number,
      number | null,
    ];
    // Every call has 100 input tokens (10 cached) and 50 output tokens; a ttft means a stream.
    // day, role, tier, provider, outcome, error class, cost (micro-dollars), latency, ttft
    const SEEDS: Seed[] = [
      [3, 'coder', 1, 'groq', 'ok', null, 1000, 100, 20],
      [3, 'coder', 1, 'groq', 'ok', null, 1000, 300, 40],
      [5, 'coder', 1, 'fireworks', 'failed_over', 'provider-server', 0, 50, null],
      [5, 'coder', 1, 'groq', 'ok', null, 500, 200, null],
      [10, 'coder', 2, 'openai', 'ok', null, 2_000_000, 1000, 100],
      [11, 'coder', 1, 'groq', 'interrupted', 'provider-connection', 250, 400, 30],
      [11, 'reviewer', 1, 'fireworks', 'failed', 'provider-timeout', 0, 5000, null],
      [11, 'reviewer', 1, 'fireworks', 'failed', 'provider-timeout', 0, 5000, null],
      [11, 'reviewer', 1, 'fireworks', 'ok', null, 300, 700, null],
      [12, 'reviewer', 2, 'openai', 'ok', null, 40_000, 900, 150],
      [12, 'reviewer', 2, 'openai', 'cancelled', 'cancelled', 0, 100, null],
      [12, 'planner', 3, 'anthropic', 'failed', 'provider-auth', 0, 30, null],
      [12, null, 0, 'ollama', 'ok', null, 0, 2000, null],
    ];

    beforeAll(async () => {
      await repo.insertMany(
        SEEDS.map(
          ([day, role, tier, provider, outcome, errorClass, costMicros, latencyMs, ttftMs]) =>
            row({
              startedAt: june(day),
              ...(role ? { role } : { role: null, tenantId: null, jobId: null }),
              tier,
              provider,
              outcome,
              errorClass,
              costMicros,
              latencyMs,
              ttftMs,
              callKind: ttftMs === null ? 'chat' : 'stream',
              inputTokens: 100,
              outputTokens: 50,
              cachedInputTokens: 10,
            }),
        ),
      );
      await repo.refreshDailyRollup(june(1), june(30));
    });

    /** A result row; columns are checked by name below. */
    type Row = Record<string, any>;
    const run = (file: string, params: unknown[]) => db.query<Row[]>(sqlFile(file), params);

    it('cost-trend.sql: cost by day, week and month, optionally for one tier', async () => {
      const byDay = await run('cost-trend.sql', ['day', '2024-06-03', '2024-06-06', null]);
      expect(byDay.map((r: Row): unknown[] => [ymd(r.period), r.calls, r.cost_micros])).toEqual([
        ['2024-06-03', '2', '2000'],
        ['2024-06-04', '0', '0'],
        ['2024-06-05', '2', '500'],
      ]);
      expect(byDay[0]).toMatchObject({
        input_tokens: '200',
        output_tokens: '100',
        cached_input_tokens: '20',
        cost_usd: '0.002000',
      });

      const byWeek = await run('cost-trend.sql', ['week', '2024-06-03', '2024-06-17', null]);
      expect(
        byWeek.map((r: Row): unknown[] => [ymd(r.period), r.calls, r.cost_micros, r.cost_usd]),
      ).toEqual([
        ['2024-06-03', '4', '2500', '0.002500'],
        ['2024-06-10', '9', '2040550', '2.040550'],
      ]);

      // "What did tier 2 cost last week?"
      const tier2 = await run('cost-trend.sql', ['week', '2024-06-10', '2024-06-17', 2]);
      expect(tier2.map((r: Row): unknown[] => [ymd(r.period), r.calls, r.cost_micros])).toEqual([
        ['2024-06-10', '3', '2040000'],
      ]);

      const byMonth = await run('cost-trend.sql', ['month', '2024-06-01', '2024-07-01', null]);
      expect(byMonth.map((r: Row): unknown[] => [ymd(r.period), r.calls, r.cost_usd])).toEqual([
        ['2024-06-01', '13', '2.043050'],
      ]);
    });

    it('latency-percentiles.sql: p50/p95/p99 latency and time to first token by tier and provider', async () => {
      const rows = await run('latency-percentiles.sql', [june(1), june(30), null]);
      const pick = (r: Row): unknown[] => [
        r.dimension,
        r.tier ?? r.provider,
        Number(r.attempts),
        r.latency_ms_p50,
        r.latency_ms_p95,
        r.latency_ms_p99,
        r.ttft_ms_p50,
        r.ttft_ms_p95,
      ];
      expect(rows.map(pick)).toEqual([
        ['tier', 0, 1, 2000, 2000, 2000, null, null],
        ['tier', 1, 8, 300, 5000, 5000, 30, 40],
        ['tier', 2, 3, 900, 1000, 1000, 100, 150],
        ['tier', 3, 1, 30, 30, 30, null, null],
        ['provider', 'anthropic', 1, 30, 30, 30, null, null],
        ['provider', 'fireworks', 4, 700, 5000, 5000, null, null],
        ['provider', 'groq', 4, 200, 400, 400, 30, 40],
        ['provider', 'ollama', 1, 2000, 2000, 2000, null, null],
        ['provider', 'openai', 3, 900, 1000, 1000, 100, 150],
      ]);
      const ok = await run('latency-percentiles.sql', [june(1), june(30), 'ok']);
      expect(ok.filter((r: Row) => r.tier === 1).map(pick)).toEqual([
        ['tier', 1, 4, 200, 700, 700, 20, 40],
      ]);
    });

    it('error-rate-by-provider.sql: which provider fails most, and with what', async () => {
      const rows = await run('error-rate-by-provider.sql', [june(1), june(30)]);
      expect(
        rows.map((r: Row): unknown[] => [
          r.provider,
          r.attempts,
          r.failures,
          r.cancelled,
          r.error_rate,
          r.top_error_class,
        ]),
      ).toEqual([
        ['anthropic', '1', '1', '0', '1.0000', 'provider-auth'],
        ['fireworks', '4', '3', '0', '0.7500', 'provider-timeout'],
        ['groq', '4', '1', '0', '0.2500', 'provider-connection'],
        ['openai', '3', '0', '1', '0.0000', null],
        ['ollama', '1', '0', '0', '0.0000', null],
      ]);
      expect(rows[1].top_error_class_count).toBe('2');
    });

    it('cheapest-successful-tier-by-role.sql: the lowest tier that succeeds often enough', async () => {
      const cheapest = (threshold: number, minCalls: number | null) =>
        run('cheapest-successful-tier-by-role.sql', [
          '2024-06-01',
          '2024-07-01',
          threshold,
          minCalls,
        ]);
      const pick = (r: Row): unknown[] => [
        r.role,
        r.tier,
        r.calls,
        r.successes,
        r.success_rate,
        r.avg_cost_micros,
        r.cost_per_success_micros,
      ];
      // coder: tier 1 has 3 ok of 4 finished calls (the failed-over attempt is not a call).
      // reviewer: tier 1 has 1 of 3; tier 2 has 1 of 1 (the cancelled call does not count).
      // planner: its only call failed, so no tier qualifies.
      expect((await cheapest(0.6, null)).map(pick)).toEqual([
        ['coder', 1, '4', '3', '0.7500', '833', '917'],
        ['reviewer', 2, '1', '1', '1.0000', '40000', '40000'],
      ]);
      expect((await cheapest(0.3, null)).map(pick)).toEqual([
        ['coder', 1, '4', '3', '0.7500', '833', '917'],
        ['reviewer', 1, '3', '1', '0.3333', '300', '300'],
      ]);
      expect((await cheapest(0.6, 2)).map(pick)).toEqual([
        ['coder', 1, '4', '3', '0.7500', '833', '917'],
      ]);
      expect((await cheapest(0.6, null))[0].avg_cost_usd).toBe('0.000833');
    });
  });
});
