import { Test, type TestingModule } from '@nestjs/testing';
import { Config, ConfigModule, loadConfig } from '@switchboard/config';
import {
  InvocationsRepository,
  PersistenceModule,
  type InvocationRow,
} from '@switchboard/persistence';
import { createTenant } from '../support/http-client';
import { usePlatform } from '../support/platform';
import { expectProblem } from '../support/problem-assert';
import { queryEnv } from '../support/store-probe';

// GET /v1/costs against a seeded invocation log. Rows are written by the real log writer and
// rolled up by the real rollup; then, to show which source each day is read from, the raw rows
// of one old day are deleted (as retention would) and the rollup of another (as if the job
// had missed it). Every seeded call must be counted exactly once, whichever source holds it.

const DAY_MS = 86_400_000;
const day = (offset: number) => new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10);
const TODAY = day(0);
const ROLLUP_ONLY = day(-2); // raw rows gone: only the rollup knows
const BOTH = day(-3); // in the rollup and in raw rows: counted once
const RAW_ONLY = day(-5); // never rolled up: only raw rows know
const OUTSIDE = day(-9); // before the default 7 days

interface Seed {
  day: string;
  tier: 0 | 1 | 2 | 3;
  provider: string;
  model: string;
  role: 'chat' | 'coder' | 'planner' | null;
  inputTokens: number;
  outputTokens: number;
  costMicros: number;
  outcome?: InvocationRow['outcome'];
}

const MINE: Seed[] = [
  {
    day: TODAY,
    tier: 1,
    provider: 'openai',
    model: 'gpt-a',
    role: 'chat',
    inputTokens: 100,
    outputTokens: 50,
    costMicros: 1_000,
  },
  {
    day: TODAY,
    tier: 3,
    provider: 'anthropic',
    model: 'claude-b',
    role: 'coder',
    inputTokens: 200,
    outputTokens: 100,
    costMicros: 5_000,
  },
  {
    day: TODAY,
    tier: 1,
    provider: 'openai',
    model: 'gpt-a',
    role: null,
    inputTokens: 10,
    outputTokens: 5,
    costMicros: 100,
  },
  {
    day: TODAY,
    tier: 1,
    provider: 'openai',
    model: 'gpt-a',
    role: 'chat',
    inputTokens: 0,
    outputTokens: 0,
    costMicros: 0,
    outcome: 'failed_over',
  },
  {
    day: ROLLUP_ONLY,
    tier: 1,
    provider: 'openai',
    model: 'gpt-a',
    role: 'chat',
    inputTokens: 1_000,
    outputTokens: 500,
    costMicros: 20_000,
  },
  {
    day: ROLLUP_ONLY,
    tier: 1,
    provider: 'openai',
    model: 'gpt-a',
    role: 'chat',
    inputTokens: 1_000,
    outputTokens: 500,
    costMicros: 20_000,
  },
  {
    day: BOTH,
    tier: 2,
    provider: 'together',
    model: 'llama-c',
    role: 'planner',
    inputTokens: 300,
    outputTokens: 300,
    costMicros: 3_000,
  },
  {
    day: RAW_ONLY,
    tier: 3,
    provider: 'anthropic',
    model: 'claude-b',
    role: 'coder',
    inputTokens: 50,
    outputTokens: 50,
    costMicros: 700,
  },
];
const OUT_OF_RANGE: Seed = { ...MINE[0], day: OUTSIDE, costMicros: 77_000 };
const KEYS: Record<string, (s: Seed) => string> = {
  day: (s) => s.day,
  tier: (s) => String(s.tier),
  provider: (s) => s.provider,
  model: (s) => s.model,
  role: (s) => s.role ?? '(none)',
};

/** What the API should answer: the seeds grouped and summed, each counted once. */
function expected(group: string) {
  const rows = new Map<
    string,
    { key: string; calls: number; inputTokens: number; outputTokens: number; costMicros: number }
  >();
  for (const s of MINE) {
    const key = KEYS[group](s);
    const row = rows.get(key) ?? { key, calls: 0, inputTokens: 0, outputTokens: 0, costMicros: 0 };
    row.calls += 1;
    row.inputTokens += s.inputTokens;
    row.outputTokens += s.outputTokens;
    row.costMicros += s.costMicros;
    rows.set(key, row);
  }
  return [...rows.values()];
}

const toRow = (tenantId: string, s: Seed): InvocationRow => ({
  startedAt: new Date(`${s.day}T12:00:00Z`),
  tenantId,
  role: s.role,
  tier: s.tier,
  provider: s.provider,
  model: s.model,
  callKind: 'chat',
  attempt: 1,
  outcome: s.outcome ?? 'ok',
  inputTokens: s.inputTokens,
  outputTokens: s.outputTokens,
  costMicros: s.costMicros,
  latencyMs: 100,
});

describe('GET /v1/costs', () => {
  const platform = usePlatform();
  let mine: Awaited<ReturnType<typeof createTenant>>;
  let other: Awaited<ReturnType<typeof createTenant>>;
  let moduleRef: TestingModule;

  const costs = (query = '', key = mine.key) => platform.http('GET', `/v1/costs${query}`, { key });

  beforeAll(async () => {
    mine = await createTenant(platform.http, 'costs-mine');
    other = await createTenant(platform.http, 'costs-other');
    moduleRef = await Test.createTestingModule({
      imports: [ConfigModule, PersistenceModule.forRoot('costs-e2e')],
    })
      .overrideProvider(Config)
      .useValue(loadConfig(platform.env.env))
      .compile();
    await moduleRef.init();
    const log = moduleRef.get(InvocationsRepository);
    // Another tenant spends much more on the same days, models and roles: none of it is ours.
    const theirs = MINE.map((s) => ({ ...s, costMicros: 999_999 }));
    await log.insertMany([
      ...[...MINE, OUT_OF_RANGE].map((s) => toRow(mine.tenantId, s)),
      ...theirs.map((s) => toRow(other.tenantId, s)),
    ]);
    await log.refreshDailyRollup(new Date(`${OUTSIDE}T00:00:00Z`), new Date());
    await queryEnv(
      platform.env,
      `DELETE FROM llm_invocations WHERE (created_at AT TIME ZONE 'UTC')::date = $1`,
      [ROLLUP_ONLY],
    );
    await queryEnv(platform.env, 'DELETE FROM llm_invocations_daily WHERE day = $1', [RAW_ONLY]);
  });

  afterAll(async () => {
    await moduleRef?.close();
  });

  it.each(['day', 'tier', 'provider', 'model', 'role'])(
    'groupBy=%s: every call counted once, from the rollup or raw rows',
    async (group) => {
      const res = await costs(`?groupBy=${group}`);
      expect(res.status).toBe(200);
      const rows = res.body.data.map(({ cost: _cost, ...row }: { cost: string }) => row);
      expect(rows).toEqual(expect.arrayContaining(expected(group)));
      expect(rows).toHaveLength(expected(group).length);
      for (const row of res.body.data) {
        expect(row.cost).toBe(`0.${String(row.costMicros).padStart(6, '0')}`);
      }
    },
  );

  it('answers the range, a total with dollars, and which days came from where', async () => {
    const res = await costs();
    expect(res.body).toMatchObject({
      tenantId: mine.tenantId,
      from: day(-6),
      to: TODAY,
      groupBy: 'day',
      total: {
        calls: 8,
        inputTokens: 2_660,
        outputTokens: 1_505,
        costMicros: 49_800,
        cost: '0.049800',
      },
    });
    expect(res.body.data.map((r: { key: string }) => r.key)).toEqual([
      RAW_ONLY,
      BOTH,
      ROLLUP_ONLY,
      TODAY,
    ]);
    expect(res.body.sources.rollup).toEqual(expect.arrayContaining([BOTH, ROLLUP_ONLY]));
    expect(res.body.sources.raw).toEqual(expect.arrayContaining([RAW_ONLY, TODAY]));
    expect(res.body.sources.rollup.length + res.body.sources.raw.length).toBe(7);
  });

  it('takes from and to (both included), and the admin token with ?tenantId=', async () => {
    const res = await costs(`?from=${OUTSIDE}&to=${BOTH}`);
    expect(res.body.data.map((r: { key: string }) => r.key)).toEqual([OUTSIDE, RAW_ONLY, BOTH]);
    expect(res.body.total.costMicros).toBe(77_000 + 700 + 3_000);
    const admin = await platform.http('GET', `/v1/costs?tenantId=${mine.tenantId}&groupBy=tier`, {
      admin: true,
    });
    expect(admin.body.data).toEqual((await costs('?groupBy=tier')).body.data);
    expectProblem(await platform.http('GET', '/v1/costs', { admin: true }), 400, 'invalid-query');
  });

  it('refuses bad ranges and parameters with 400, and other tenants with 403', async () => {
    const fieldOf = async (query: string) => {
      const res = await costs(query);
      expectProblem(res, 400, 'invalid-query');
      return (res.body.errors as { field: string }[]).map((e) => e.field);
    };
    expect(await fieldOf(`?from=${TODAY}&to=${day(-1)}`)).toEqual(['from']);
    expect(await fieldOf('?from=2024-01-01&to=2025-01-02')).toEqual(['to']);
    expect(await fieldOf('?from=2025-02-30')).toEqual(['from']);
    expect(await fieldOf('?to=yesterday')).toEqual(['to']);
    expect(await fieldOf('?groupBy=week')).toEqual(['groupBy']);
    expect(await fieldOf('?colour=red')).toEqual(['colour']);
    expectProblem(await costs(`?tenantId=${other.tenantId}`), 403, 'budget-forbidden');
    expectProblem(await platform.http('GET', '/v1/costs'), 401, 'missing-api-key');
  });
});
