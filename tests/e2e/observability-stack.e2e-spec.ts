import { createServer, type Server } from 'node:http';
import { writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { randomUUID } from 'node:crypto';
import { AppProcess } from '../support/app-process';
import { loadDashboardQueries, type PanelQuery } from '../support/dashboard-queries';
import {
  startPostgresExporter,
  startRedisExporter,
  type ExporterProcess,
} from '../support/exporters';
import { startFakeProvider, type FakeProviderServer } from '../support/fake-providers';
import { chatInput, createTenant, httpClient, waitForJob, type Http } from '../support/http-client';

import { PrometheusServer, type LoopbackTarget } from '../support/prometheus-server';
import { dataOperands } from '../support/promql-operands';
import { loadRuleQueries, type RuleQuery } from '../support/rule-queries';
import { fakeModel, fakeProvider } from '../support/router-kit';
import { openSse } from '../support/sse-client';
import { queryEnv } from '../support/store-probe';
import { createTestEnv, freePort, type TestEnv } from '../support/test-env';
import { TEST_DATABASE_URL } from '../support/test-services';
import { stopAll, submitJob, waitForStatus, waitUntil } from '../support/worker-kit';

jest.setTimeout(120_000);

/** A new API key of an existing tenant, made through the admin API. */
async function apiKey(http: Http, tenantId: string): Promise<string> {
  const res = await http<{ key: string }>('POST', `/v1/admin/tenants/${tenantId}/keys`, {
    admin: true,
    body: { name: 'observability' },
  });
  if (res.status !== 201) throw new Error(`key: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.key;
}

// The observability stack, verified rather than just written. One real Prometheus runs the
// shipped prometheus/prometheus.yml (its jobs, labels and relabelling; only the targets are
// loopback static ones, with the `__meta_dns_name` the shipped DNS discovery would give, so the
// shipped relabel_configs make the `pool` label) and the shipped alerts.yml and
// recording-rules.yml unchanged, scraping the built API, three worker processes (pool t12, and
// pool t3 twice), the Redis and PostgreSQL exporters and itself. Traffic: successes on
// tiers 0 and 1, failovers (x answers 500, y takes over), a budget refusal (hard pool of 1 µ$),
// a soft pool whose spend crosses every alert threshold (webhooks delivered), a backlog (tier 2:
// no worker serves it), and a stalled job (its worker is SIGKILLed mid-call, its twin in pool t3
// ends it at BullMQ's stall limit).
//
// Then, through Prometheus's HTTP API, every PromQL expression of every Grafana panel and every
// alert and recording rule must parse (an instant query answers `success`) and return data, and
// every SQL panel must run without error against the test database and return rows.
//
// "Returns data" (tests/support/promql-operands.ts): an instant query at now answers a
// non-empty vector (or a scalar). A threshold test that does not fire here would be empty, so
// every comparison with a number literal (`> 1000`, `== 2`, `> 0`) is removed first, wherever it
// is: what must exist is the data the threshold filters. Then:
// - `A or B`: each branch must return data on its own (a live branch must not hide a dead one);
// - `A unless B`: A must (B subtracts, and is normally empty: `offset 1h` in a Prometheus that
//   started a minute ago);
// - `absent(v)`: v must, for the pools this suite runs (t12, t3). absent() returns data exactly
//   when v has none, so only v shows whether the selector matches what is scraped:
//   WorkerPoolDown's `absent(up{pool="t12"})` holds only if the shipped relabelling really
//   makes that pool name. For pools the suite does not run (t0, browser: booting more Node
//   processes makes the suite slow), the opposite is required: absent(v) must return its one
//   series, i.e. the page the alert is there to send for a pool with no target;
// - anything else (`and`, arithmetic, `on`/`group_right`, functions): the whole expression, so
//   vector matching is checked too.
// A recording rule must also have recorded its series. A NaN sample (a ratio of two zero rates)
// counts as data: the series exist and the arithmetic matched.

const RULES_AND_PANELS_DEADLINE_MS = 90_000;

/** Worker pools WorkerPoolDown names that no process of this suite belongs to. */
const POOLS_NOT_RUN = ['t0', 'browser'];

/** A webhook receiver that accepts every delivery. */
function startReceiver(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as { port: number };
      resolve({ server, url: `http://127.0.0.1:${address.port}/hook` });
    }),
  );
}

interface Failure {
  where: string;
  detail: string;
}

describe('observability stack: every dashboard panel and rule, on real Prometheus', () => {
  let env: TestEnv;
  let http: Http;
  let prometheus: PrometheusServer;
  let exporters: ExporterProcess[] = [];
  let receiver: { server: Server; url: string };
  let x: FakeProviderServer; // openai, tier 1, first choice
  let y: FakeProviderServer; // anthropic, tier 1, second
  let z: FakeProviderServer; // openai, tiers 2–3
  let local: FakeProviderServer; // ollama, local, tier 0
  let catalogue: string;
  const apps: AppProcess[] = [];
  let stalledJobId: string;
  let tenantId: string;

  /** Starts an app, owned by the suite at once (stopped in afterAll even if it never boots). */
  async function start(name: 'api' | 'worker', appEnv: Record<string, string>) {
    const app = AppProcess.start(name, appEnv);
    apps.push(app);
    // Generous: several suites may be booting apps on this machine at the same time.
    await app.waitFor(name === 'api' ? /API listening on/ : /worker ready/, 90_000);
    return app;
  }

  beforeAll(async () => {
    [x, y, z, local] = await Promise.all([
      startFakeProvider('openai', { inputTokenFactor: 5 }),
      startFakeProvider('anthropic'),
      startFakeProvider('openai'),
      startFakeProvider('ollama'),
    ]);
    receiver = await startReceiver();
    catalogue = join(tmpdir(), `catalogue-observability-${process.pid}-${Date.now()}.json`);
    writeFileSync(
      catalogue,
      JSON.stringify({
        version: 1,
        providers: [
          fakeProvider('x', x),
          fakeProvider('y', y),
          fakeProvider('z', z),
          fakeProvider('local', local, { local: true }),
        ],
        models: [
          // x counts 5× our count and its bound says 1×: its settlements exceed the bound.
          fakeModel('x', 'x-model', [1], { priority: 1, inputTokenFactor: 1 }),
          fakeModel('y', 'y-model', [1], { priority: 2 }),
          fakeModel('z', 'z-model', [2, 3], { priority: 1 }),
          fakeModel('local', 'llama', [0], { priority: 1 }),
        ],
      }),
    );
    env = await createTestEnv({
      LLM_CATALOGUE_FILE: catalogue,
      LLM_BREAKER_MIN_CALLS: '100',
      LLM_INVOCATION_FLUSH_MS: '20',
      LLM_HEALTH_INTERVAL_MS: '600000',
      LLM_ROLLUP_INTERVAL_MS: '1000',
      BUDGET_WEBHOOK_SECRET: 'observability-webhook-secret-0123456789',
    });

    // Every process's metrics port is fixed before Prometheus starts: its config lists them.
    const pools = {
      victim: { pool: 't3', WORKER_POOLS: 'agent.chat.t3:1', WORKER_LOCK_DURATION_MS: '1000' },
      t12: { pool: 't12', WORKER_POOLS: 'agent.*.t0:4,agent.*.t1:4' }, // tier 2: nobody (backlog)
      t3: {
        pool: 't3',
        WORKER_POOLS: 'agent.*.t3:1',
        WORKER_STALLED_INTERVAL_MS: '1000',
        WORKER_MAX_STALLED_COUNT: '0',
      },
    };
    const ports = Object.fromEntries(
      await Promise.all(Object.keys(pools).map(async (k) => [k, await freePort()] as const)),
    ) as Record<keyof typeof pools, number>;
    const workerTargets: LoopbackTarget[] = Object.entries(pools).map(([k, p]) => ({
      address: `127.0.0.1:${ports[k as keyof typeof pools]}`,
      labels: { __meta_dns_name: `worker-${p.pool}` },
    }));
    const workerEnv = (k: keyof typeof pools) => {
      const { pool: _pool, ...settings } = pools[k];
      return { ...env.env, ...settings, METRICS_PORT: String(ports[k]) };
    };

    // The tenant with traffic is opted in to per-pool budget gauges: its id must be known
    // before the API starts, so its row is written directly.
    tenantId = randomUUID();
    await queryEnv(env, 'INSERT INTO tenants (id, name) VALUES ($1, $2)', [
      tenantId,
      'observability',
    ]);
    env.env.METRICS_TENANT_LABELS = tenantId;

    exporters = await Promise.all([startRedisExporter(), startPostgresExporter()]);
    const [redisExporter, postgresExporter] = exporters;
    [prometheus] = await Promise.all([
      PrometheusServer.start({
        'switchboard-api': [{ address: `127.0.0.1:${env.env.API_PORT}` }],
        'switchboard-worker': workerTargets,
        redis: [{ address: redisExporter.address }],
        postgres: [{ address: postgresExporter.address }],
      }),
      start('api', env.env),
    ]);
    http = httpClient(`http://127.0.0.1:${env.env.API_PORT}`);
    const victim = await start('worker', workerEnv('victim'));
    const key = await apiKey(http, tenantId);
    // A roomy pool: the tenant's calls hold reservations (the cut-off below needs one).
    const roomy = await http('POST', '/v1/budgets', {
      admin: true,
      body: { scope: 'tenant', tenantId, period: 'daily', limitMicros: 1_000_000_000 },
    });
    expect(roomy.status).toBe(201);

    // A stalled job: its worker dies mid-call (z never answers), and only then does the rest
    // of pool t3 start: it finds the job's lock gone and ends it at the stall limit (0).
    z.setDefault({ type: 'hang' });
    stalledJobId = await submitJob(http, key, { role: 'chat', tier: 3, input: chatInput() });
    await waitForStatus(http, key, stalledJobId, 'active');
    await waitUntil(async () => z.stats.chatRequests > 0, 'the stalled job to call z');
    await victim.kill();
    await Promise.all((['t12', 't3'] as const).map((k) => start('worker', workerEnv(k))));
    const stalled = await waitForJob(http, key, stalledJobId);
    expect(stalled).toMatchObject({ status: 'failed', error: { code: 'stalled' } });
    z.setDefault({ type: 'ok' });

    // Successes: 20 on tier 0 (the "cheapest tier" panel wants 20 calls of one role and tier),
    // 3 on tier 1.
    const ok = await Promise.all([
      ...Array.from({ length: 20 }, () =>
        submitJob(http, key, { role: 'chat', tier: 0, input: chatInput('tier zero') }),
      ),
      ...Array.from({ length: 3 }, () =>
        submitJob(http, key, { role: 'chat', tier: 1, input: chatInput('tier one') }),
      ),
    ]);
    for (const id of ok) expect((await waitForJob(http, key, id)).status).toBe('completed');

    // Failovers: x answers 429, then 500; y takes the calls.
    // A 429 first (a cooldown of x), then 500s.
    x.script({ type: 'rate-limit', retryAfterMs: 100 });
    x.setDefault({ type: 'status', status: 500 });
    try {
      for (let i = 0; i < 2; i++) {
        const id = await submitJob(http, key, { role: 'chat', tier: 1, input: chatInput() });
        const job = await waitForJob(http, key, id);
        expect(job).toMatchObject({ status: 'completed', result: { provider: 'y' } });
      }
    } finally {
      x.setDefault({ type: 'ok' });
    }

    // A stream cut off at its reservation (x ignores max_tokens): outcome budget_exhausted.
    x.script({ type: 'ok', ignoreMaxTokens: true, text: Array(40).fill('w').join(' ') });
    const cut = await submitJob(http, key, {
      role: 'chat',
      tier: 1,
      input: { ...chatInput(), maxTokens: 5 },
    });
    const cutJob = await waitForJob(http, key, cut);
    expect(cutJob).toMatchObject({
      status: 'completed',
      result: { finishReason: 'budget_exhausted' },
    });

    // A job's event stream, opened and drained.
    const sse = await openSse(`http://127.0.0.1:${env.env.API_PORT}/v1/jobs/${ok[0]}/events`, {
      authorization: `Bearer ${key}`,
    });
    while (await sse.next());
    sse.close();

    // A budget refusal: a hard tenant pool of 1 µ$.
    const broke = await createTenant(http, 'observability-broke');
    const hard = await http('POST', '/v1/budgets', {
      admin: true,
      body: { scope: 'tenant', tenantId: broke.tenantId, period: 'daily', limitMicros: 1 },
    });
    expect(hard.status).toBe(201);
    const refused = await submitJob(http, broke.key, {
      role: 'chat',
      tier: 1,
      input: chatInput(),
    });
    expect((await waitForJob(http, broke.key, refused)).status).toBe('failed');

    // A soft pool the first call overspends: every threshold crossed, each alert delivered.
    const soft = await createTenant(http, 'observability-soft');
    const pool = await http('POST', '/v1/budgets', {
      admin: true,
      body: {
        scope: 'tenant',
        tenantId: soft.tenantId,
        period: 'daily',
        limitMicros: 1,
        mode: 'soft',
        webhookUrl: receiver.url,
      },
    });
    expect(pool.status).toBe(201);
    const overspent = await submitJob(http, soft.key, {
      role: 'chat',
      tier: 1,
      input: chatInput(),
    });
    expect((await waitForJob(http, soft.key, overspent)).status).toBe('completed');

    // A backlog: tier 2 has no worker.
    for (let i = 0; i < 3; i++) {
      await submitJob(http, key, { role: 'chat', tier: 2, input: chatInput('backlog') });
    }

    // The invocation log and its daily rollup have the traffic's rows.
    await waitUntil(async () => {
      const [row] = await queryEnv<{ n: string }>(
        env,
        `SELECT count(*) AS n FROM llm_invocations WHERE outcome = 'budget_exhausted'`,
      );
      return Number(row.n) > 0;
    }, 'the budget refusal in llm_invocations');
    await waitUntil(async () => {
      const [row] = await queryEnv<{ n: string }>(
        env,
        `SELECT coalesce(sum(calls), 0) AS n FROM llm_invocations_daily WHERE tier = 0`,
      );
      return Number(row.n) >= 20;
    }, 'the tier-0 calls in llm_invocations_daily');
  }, 240_000);

  afterAll(async () => {
    await stopAll(apps);
    await prometheus?.stop();
    await Promise.all(exporters.map((e) => e.stop()));
    await Promise.all([x, y, z, local].map((f) => f?.close()));
    await new Promise((r) => (receiver ? receiver.server.close(r) : r(undefined)));
    if (catalogue) rmSync(catalogue, { force: true });
    await env?.cleanup();
  });

  it('scrapes every job of the shipped config, with its labels and pools', async () => {
    interface Target {
      labels: Record<string, string>;
      health: string;
      lastError: string;
    }
    const targets = await waitUntil(async () => {
      const { activeTargets } = await prometheus.api<{ activeTargets: Target[] }>('targets');
      const live = activeTargets.filter((t) => t.health !== 'unknown');
      return live.length === activeTargets.length && activeTargets;
    }, 'every target scraped once');
    const summary = targets
      .map(
        (t) => `${t.labels.job} ${t.labels.component ?? '-'} ${t.labels.pool ?? '-'} ${t.health}`,
      )
      .sort();
    // The SIGKILLed worker of pool t3 is down; its twin is up.
    expect(summary).toEqual(
      [
        'postgres - - up',
        'prometheus - - up',
        'redis - - up',
        'switchboard-api api - up',
        'switchboard-worker worker t12 up',
        'switchboard-worker worker t3 down',
        'switchboard-worker worker t3 up',
      ].sort(),
    );
  });

  it('loads every shipped rule, and each evaluates without error', async () => {
    const rules = loadRuleQueries();
    interface LoadedRule {
      name: string;
      health: string;
      lastError?: string;
      lastEvaluation: string;
    }
    const loaded = await waitUntil(async () => {
      const { groups } = await prometheus.api<{ groups: { rules: LoadedRule[] }[] }>('rules');
      const all = groups.flatMap((g) => g.rules);
      const evaluated = all.every((r) => !r.lastEvaluation.startsWith('0001'));
      return evaluated && all.length >= rules.length && all;
    }, 'every rule evaluated once');
    expect(loaded.map((r) => r.name).sort()).toEqual(rules.map((r) => r.name).sort());
    const broken = loaded.filter((r) => r.health !== 'ok');
    expect(broken.map((r) => `${r.name}: ${r.health} ${r.lastError ?? ''}`)).toEqual([]);
  });

  it('every alert and recording rule parses and returns data', async () => {
    const rules = loadRuleQueries();
    const failures = await untilAllHaveData(
      prometheus,
      rules.flatMap((rule) => promChecks(rule)),
    );
    expect(failures).toEqual([]);
  });

  it('every PromQL panel of every dashboard parses and returns data', async () => {
    const panels = loadDashboardQueries().filter((q) => q.kind === 'promql');
    expect(panels.length).toBeGreaterThan(0);
    const failures = await untilAllHaveData(
      prometheus,
      panels.flatMap((panel) => promChecks(panel)),
    );
    expect(failures).toEqual([]);
  });

  it('every SQL panel of every dashboard runs against the database and returns rows', async () => {
    const panels = loadDashboardQueries().filter((q) => q.kind === 'sql');
    expect(panels.length).toBeGreaterThan(0);
    const failures: Failure[] = [];
    const pg = new Client({ connectionString: TEST_DATABASE_URL });
    await pg.connect();
    try {
      await pg.query(`SET search_path TO "${env.id}"`);
      for (const panel of panels) {
        failures.push(...(await sqlCheck(pg, panel)));
      }
    } finally {
      await pg.end();
    }
    expect(failures).toEqual([]);
  });
});

interface PromCheck {
  where: string;
  /** Must answer success (parses and evaluates). */
  full: string;
  /** Must each return data. */
  operands: { expr: string; via: string }[];
}

function promChecks(item: RuleQuery | PanelQuery): PromCheck[] {
  const expr = 'query' in item ? item.query : item.expr;
  const operands = dataOperands(expr);
  if ('kind' in item && item.kind === 'record') {
    operands.push({ expr: item.name, via: 'recorded series' });
  }
  return [{ where: item.where, full: expr, operands }];
}

/** Polls until every check passes or the deadline; returns what still fails. */
async function untilAllHaveData(prometheus: PrometheusServer, checks: PromCheck[]) {
  const deadline = Date.now() + RULES_AND_PANELS_DEADLINE_MS;
  let pending = checks;
  for (;;) {
    const results = await Promise.all(pending.map((c) => runCheck(prometheus, c)));
    const failures = results.flat();
    const failing = new Set(failures.map((f) => f.where));
    pending = pending.filter((c) => failing.has(c.where));
    // A parse error will not go away: stop at once.
    const parseError = failures.some((f) => f.detail.startsWith('error'));
    if (pending.length === 0 || parseError || Date.now() > deadline) return failures;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function runCheck(prometheus: PrometheusServer, check: PromCheck): Promise<Failure[]> {
  const full = await prometheus.query(check.full);
  if (!full.ok) return [{ where: check.where, detail: `error ${full.error}` }];
  const failures: Failure[] = [];
  for (const operand of check.operands) {
    const notRun = POOLS_NOT_RUN.find((pool) => operand.expr.includes(`pool="${pool}"`));
    if (operand.via === 'absent-arg' && notRun) {
      const absent = await prometheus.query(`absent(${operand.expr})`);
      if (!absent.ok || absent.count !== 1) {
        const detail = `absent() of pool ${notRun}, which has no target, returned no series`;
        failures.push({ where: check.where, detail });
      }
      continue;
    }
    const result = await prometheus.query(operand.expr);
    if (!result.ok) {
      failures.push({ where: check.where, detail: `error in ${operand.via}: ${result.error}` });
    } else if (result.count === 0) {
      const expr = operand.expr.replace(/\s+/g, ' ');
      failures.push({ where: check.where, detail: `no data (${operand.via}): ${expr}` });
    }
  }
  return failures;
}

async function sqlCheck(pg: Client, panel: PanelQuery): Promise<Failure[]> {
  try {
    const result = await pg.query(panel.query);
    return result.rows.length > 0 ? [] : [{ where: panel.where, detail: 'no rows' }];
  } catch (error) {
    return [{ where: panel.where, detail: `error ${(error as Error).message}` }];
  }
}
