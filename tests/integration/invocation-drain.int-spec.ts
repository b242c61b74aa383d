import { Logger } from '@nestjs/common';
import { BudgetPoolsCache, BudgetService, type CallQuote } from '@switchboard/budget';
import { loadConfig, type Config } from '@switchboard/config';
import { InvocationDrain } from '@switchboard/llm';
import { InvocationsRepository, type InvocationRow } from '@switchboard/persistence';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { createBudgetKit, type BudgetKit } from '../support/budget-kit';
import { waitUntil } from '../support/worker-kit';

// The durable invocation log on real Redis and PostgreSQL: rows appended to the ledger stream
// (by settlements, and by expiry as `lost`) reach llm_invocations through InvocationDrain's
// consumer group, once each, with a call's real row beating its `lost` row whatever the
// order; entries a dead drainer took are claimed; nothing is acknowledged before Postgres
// has it. Drains are built by hand (no loop) unless a test starts one, so each test decides
// when the stream is read.

const GROUP = 'drain';
const PRICES = { input: 1_000_000, output: 2_000_000, cachedInput: 500_000 };
const QUOTE: CallQuote = { inputTokens: 100, maxTokens: 200, prices: PRICES };
const WORST = 500; // 100 in + 200 out at 1 and 2 µ$ a token

/** A row as the router writes it (JSON in the stream, Dates as ISO strings). */
const row = (overrides: Partial<InvocationRow> = {}): InvocationRow => ({
  id: randomUUID(),
  startedAt: new Date(),
  jobId: randomUUID(),
  tenantId: null,
  role: 'coder',
  tier: 1,
  provider: 'drain-test',
  model: 'm-1',
  callKind: 'chat',
  attempt: 1,
  outcome: 'ok',
  inputTokens: 10,
  outputTokens: 5,
  cachedInputTokens: 0,
  costMicros: 20,
  latencyMs: 40,
  ttftMs: null,
  ...overrides,
});
const json = (r: InvocationRow) => JSON.stringify(r);
const lostOf = (r: InvocationRow) => json({ ...r, outcome: 'lost', costMicros: 0 });

interface StoredRow {
  id: string;
  outcome: string;
  cost: number;
  input: number;
  output: number;
  latency: number;
}

describe('InvocationDrain (ledger stream → PostgreSQL)', () => {
  let kit: BudgetKit;
  let redis: Redis;
  let config: Config;
  let repo: InvocationsRepository;
  let budget: BudgetService;
  let stream: string;
  const drains: InvocationDrain[] = [];

  /** A drainer as one process has it (its own consumer name). */
  const drainer = (cfg: Config = config, service: BudgetService = budget) => {
    const drain = new InvocationDrain(redis, cfg, repo, service);
    drains.push(drain);
    return drain;
  };
  const stored = async (ids: string[]): Promise<StoredRow[]> =>
    kit.db.query<StoredRow[]>(
      `SELECT invocation_id AS id, outcome, cost_micros::int AS cost, input_tokens AS input,
              output_tokens AS output, latency_ms AS latency
         FROM llm_invocations WHERE invocation_id = ANY($1::uuid[]) ORDER BY created_at`,
      [ids],
    );
  const one = async (id: string) => {
    const rows = await stored([id]);
    expect(rows).toHaveLength(1);
    return rows[0];
  };
  const pendingCount = async () => {
    const [count] = (await redis.xpending(stream, GROUP)) as [number, ...unknown[]];
    return Number(count);
  };
  /** Appends entries the way the budget scripts do: `r` = the row, and `lost` when expired. */
  const append = (...entries: string[][]) => {
    const multi = redis.multi();
    for (const fields of entries) multi.xadd(stream, '*', ...fields);
    return multi.exec();
  };
  /** The `lost` field of an expired registration: µ$ charged, input bound, max tokens, ended. */
  const lostField = (r: InvocationRow, endedMs = r.startedAt.getTime() + 1_000) =>
    `${WORST},100,200,${endedMs}`;
  const errorLog = () => jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

  beforeAll(async () => {
    kit = await createBudgetKit('invocation-drain-int-spec', {
      LLM_INVOCATION_LOG: 'durable',
      LLM_INVOCATION_BATCH_SIZE: '4',
      LLM_INVOCATION_FLUSH_MS: '50',
      LLM_INVOCATION_CLAIM_IDLE_MS: '500',
      BUDGET_POOL_CACHE_MS: '0',
    });
    ({ redis, config, budget } = kit);
    repo = kit.moduleRef.get(InvocationsRepository);
    stream = budget.invocationStream;
    // The group exists before any test reads as a "dead" consumer.
    await drainer().flush();
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    for (const drain of drains.splice(0)) await drain.beforeApplicationShutdown();
    // Every test leaves the stream drained: nothing it appended is left behind unwritten.
    expect(await redis.xlen(stream)).toBe(0);
  });

  afterAll(async () => {
    await kit?.close();
  });

  it('writes the rows settlements append, then acknowledges and deletes their entries', async () => {
    const tenantId = await kit.tenant();
    await kit.pools.create({ tenantId, scope: 'tenant', period: 'daily', limitMicros: 100_000 });
    const registered = row({ tenantId, costMicros: 321, inputTokens: 90, outputTokens: 115 });
    const held = await budget.reserve({ tenantId }, QUOTE, {
      id: registered.id!,
      row: lostOf(registered),
    });
    if (!held.ok || !held.reservation) throw new Error('not held');
    expect(held.reservation.id).toBe(registered.id);
    await budget.settle(held.reservation, 321, { row: json(registered) });
    // A call that held no reservation (no pool applied) still has its row logged.
    const unbudgeted = row();
    await budget.settle(null, 0, { row: json(unbudgeted) });
    expect(await redis.xlen(stream)).toBe(2);

    const drain = drainer();
    await drain.flush();
    expect(await one(registered.id!)).toMatchObject({
      outcome: 'ok',
      cost: 321,
      input: 90,
      output: 115,
    });
    expect(await one(unbudgeted.id!)).toMatchObject({ outcome: 'ok', cost: 20 });
    expect(drain.writtenRows).toBe(2);
    expect(await pendingCount()).toBe(0);
  });

  it('keeps a redelivered entry once (same invocation id), in one batch or across batches', async () => {
    const first = row({ costMicros: 7 });
    await append(['r', json(first)], ['r', json(first)]);
    await drainer().flush();
    expect(await one(first.id!)).toMatchObject({ outcome: 'ok', cost: 7 });

    // Written again later (a drainer died between INSERT and ACK): the stored row stays.
    await append(['r', json({ ...first, costMicros: 999 })]);
    await drainer().flush();
    expect(await one(first.id!)).toMatchObject({ outcome: 'ok', cost: 7 });
  });

  it("logs an expired call as lost at its worst case, and the call's real row replaces it later", async () => {
    const call = row({ startedAt: new Date(Date.now() - 5_000), costMicros: 42 });
    await append(['r', lostOf(call), 'lost', lostField(call)]);
    await drainer().flush();
    expect(await one(call.id!)).toEqual({
      id: call.id,
      outcome: 'lost',
      cost: WORST,
      input: 100,
      output: 200,
      latency: 1_000,
    });

    await append(['r', json(call)]);
    await drainer().flush();
    expect(await one(call.id!)).toMatchObject({ outcome: 'ok', cost: 42, input: 10, output: 5 });
  });

  it('never lets a lost row replace the real one, across batches', async () => {
    const call = row({ costMicros: 42 });
    await append(['r', json(call)]);
    await drainer().flush();
    await append(['r', lostOf(call), 'lost', lostField(call)]);
    await drainer().flush();
    expect(await one(call.id!)).toMatchObject({ outcome: 'ok', cost: 42 });
  });

  it('keeps the real row within one batch, whichever of the two comes first', async () => {
    const lostFirst = row({ costMicros: 11 });
    const realFirst = row({ costMicros: 12 });
    await append(
      ['r', lostOf(lostFirst), 'lost', lostField(lostFirst)],
      ['r', json(realFirst)],
      ['r', json(lostFirst)],
      ['r', lostOf(realFirst), 'lost', lostField(realFirst)],
    );
    const insert = jest.spyOn(repo, 'insertMany');
    await drainer().flush();
    expect(insert).toHaveBeenCalledTimes(1); // the four entries were one batch
    expect(await one(lostFirst.id!)).toMatchObject({ outcome: 'ok', cost: 11 });
    expect(await one(realFirst.id!)).toMatchObject({ outcome: 'ok', cost: 12 });
  });

  it('replaces the lost row of a registered call whose settle came after it expired', async () => {
    const tenantId = await kit.tenant();
    await kit.pools.create({ tenantId, scope: 'tenant', period: 'daily', limitMicros: 100_000 });
    const shortLived = kit.serviceWith(
      loadConfig({ ...kit.env.env, BUDGET_RESERVATION_TTL_MS: '500' }),
    );
    const call = row({ tenantId, costMicros: 77 });
    const held = await shortLived.reserve({ tenantId }, QUOTE, {
      id: call.id!,
      row: lostOf(call),
    });
    if (!held.ok || !held.reservation) throw new Error('not held');
    await waitUntil(async () => (await budget.sweepExpired()) >= 1, 'the hold to expire');
    // The late settlement corrects the charge and appends the real row after the lost one.
    await shortLived.settle(held.reservation, 77, { row: json(call) });
    const entries = await redis.xrange(stream, '-', '+');
    expect(entries.map(([, fields]) => fields.filter((_, i) => i % 2 === 0))).toEqual([
      ['r', 'lost'],
      ['r'],
    ]);
    await drainer().flush();
    expect(await one(call.id!)).toMatchObject({ outcome: 'ok', cost: 77 });
  });

  it('claims the entries a dead drainer read and never acknowledged; flush() waits for them', async () => {
    const rows = Array.from({ length: 6 }, (_, i) => row({ attempt: i + 1 }));
    await append(...rows.map((r) => ['r', json(r)]));
    // Another process read them (under its own consumer name) and died before writing.
    const read = (await redis.xreadgroup(
      'GROUP',
      GROUP,
      'dead-process',
      'COUNT',
      100,
      'STREAMS',
      stream,
      '>',
    )) as [string, unknown[]][];
    expect(read[0][1]).toHaveLength(6);
    expect(await pendingCount()).toBe(6);

    const drain = drainer();
    await drain.flush(); // nothing new to read: it waits for the claim (6 > one batch of 4)
    expect((await stored(rows.map((r) => r.id!))).map((r) => r.id).sort()).toEqual(
      rows.map((r) => r.id).sort(),
    );
    expect(drain.writtenRows).toBe(6);
    expect(await pendingCount()).toBe(0);
  });

  it('skips and acknowledges an entry that is not a row, and writes the rest of its batch', async () => {
    const errors = errorLog();
    const good = row();
    await append(['x', 'not a row'], ['r', '{not json'], ['r', json(good)]);
    const ids = (await redis.xrange(stream, '-', '+')).map(([id]) => id);
    const drain = drainer();
    await drain.flush();
    expect(await one(good.id!)).toMatchObject({ outcome: 'ok' });
    expect(drain.writtenRows).toBe(1);
    expect(await pendingCount()).toBe(0);
    const messages = errors.mock.calls.map(([m]) => String(m));
    expect(messages).toEqual([
      `ledger entry ${ids[0]} is not a row (no row); skipped`,
      expect.stringMatching(new RegExp(`^ledger entry ${ids[1]} is not a row \\(.+\\); skipped$`)),
    ]);
  });

  it('leaves the entries in the stream when PostgreSQL fails, and writes them on a retry', async () => {
    const rows = [row(), row()];
    await append(...rows.map((r) => ['r', json(r)]));
    jest.spyOn(repo, 'insertMany').mockRejectedValueOnce(new Error('connection refused'));
    const drain = drainer();
    await expect(drain.flush()).rejects.toThrow('connection refused');
    expect(await stored(rows.map((r) => r.id!))).toEqual([]);
    expect(await redis.xlen(stream)).toBe(2);
    expect(await pendingCount()).toBe(2); // read, not acknowledged
    expect(drain.writtenRows).toBe(0);

    await drain.flush(); // the retry claims them back once they have been idle long enough
    expect(await stored(rows.map((r) => r.id!))).toHaveLength(2);
    expect(drain.writtenRows).toBe(2);
  });

  it('recreates its group after a failure to create it', async () => {
    const otherConfig = loadConfig({ ...kit.env.env, QUEUE_PREFIX: `${config.redis.prefix}x` });
    const otherBudget = new BudgetService(
      redis,
      otherConfig,
      kit.moduleRef.get(BudgetPoolsCache),
      kit.clock,
    );
    const otherStream = otherBudget.invocationStream;
    expect(otherStream).not.toBe(stream);
    await redis.set(otherStream, 'not a stream');
    const drain = drainer(otherConfig, otherBudget);
    await expect(drain.flush()).rejects.toThrow(/WRONGTYPE/);
    await redis.del(otherStream);
    const late = row();
    await otherBudget.settle(null, 0, { row: json(late) });
    await drain.flush();
    expect(await one(late.id!)).toMatchObject({ outcome: 'ok' });
    expect(await redis.xlen(otherStream)).toBe(0);
  });

  describe('as a running service', () => {
    it('drains in the background, without flush(), from its first read on', async () => {
      const errors = errorLog();
      const drain = drainer();
      drain.onApplicationBootstrap();
      const call = row();
      await budget.settle(null, 0, { row: json(call) });
      await waitUntil(async () => (await stored([call.id!])).length === 1, 'the row');
      await waitUntil(async () => (await redis.xlen(stream)) === 0, 'the entry to go');
      expect(drain.writtenRows).toBe(1);
      // Its blocking connection was still connecting when it first read: that read waits
      // for it rather than failing (which was logged, and held the drain back for seconds).
      expect(errors).not.toHaveBeenCalled();
    });

    it('claims a dead drainer’s entries in the background too', async () => {
      const rows = [row(), row()];
      await append(...rows.map((r) => ['r', json(r)]));
      await redis.xreadgroup('GROUP', GROUP, 'dead-process', 'STREAMS', stream, '>');
      const drain = drainer();
      drain.onApplicationBootstrap();
      await waitUntil(
        async () => (await stored(rows.map((r) => r.id!))).length === 2,
        'the claimed rows',
      );
      expect(await pendingCount()).toBe(0);
    });

    it('reports a failed write and keeps the entry for a retry', async () => {
      const errors = errorLog();
      jest.spyOn(repo, 'insertMany').mockRejectedValueOnce(new Error('db down'));
      const drain = drainer();
      drain.onApplicationBootstrap();
      const call = row();
      await budget.settle(null, 0, { row: json(call) });
      await waitUntil(
        async () =>
          errors.mock.calls.some(([m]) => m === 'draining invocation rows: db down') && true,
        'the failure to be reported',
      );
      expect(await stored([call.id!])).toEqual([]);
      expect(await pendingCount()).toBe(1);
      await drain.flush();
      expect(await one(call.id!)).toMatchObject({ outcome: 'ok' });
    });

    it('writes what is left when the application shuts down', async () => {
      const drain = drainer();
      drain.onApplicationBootstrap();
      const early = row();
      await budget.settle(null, 0, { row: json(early) });
      await waitUntil(async () => drain.writtenRows === 1, 'the drain to be running');
      const calls = [row(), row(), row()];
      for (const call of calls) await budget.settle(null, 0, { row: json(call) });
      drains.splice(drains.indexOf(drain), 1); // shut down here, once, as Nest does
      await drain.beforeApplicationShutdown(); // at once: whatever the loop has not taken yet
      expect(await stored(calls.map((c) => c.id!))).toHaveLength(3);
    });

    it('does nothing with the in-memory log', async () => {
      const memory = drainer(loadConfig({ ...kit.env.env, LLM_INVOCATION_LOG: 'memory' }));
      expect(memory.enabled).toBe(false);
      memory.onApplicationBootstrap();
      const call = row();
      await budget.settle(null, 0, { row: json(call) });
      await memory.flush();
      await memory.beforeApplicationShutdown();
      expect(await redis.xlen(stream)).toBe(1);
      expect(await stored([call.id!])).toEqual([]);
      await drainer().flush(); // the durable drainer takes it
      expect(await one(call.id!)).toMatchObject({ outcome: 'ok' });
    });
  });
});
