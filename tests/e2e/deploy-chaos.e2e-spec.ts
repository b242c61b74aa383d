import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { colourLogLines, runDeployCli, type CliRun } from '../support/deploy-cli';
import { DeployLoad, type LoadFigures } from '../support/deploy-load';
import { startFakeProvider, type FakeProviderServer } from '../support/fake-providers';
import { createTenant, httpClient } from '../support/http-client';
import { servedColour, startNginx, type NginxServer } from '../support/nginx-server';
import { fakeModel, fakeProvider } from '../support/router-kit';
import { createTestEnv, freePort, type TestEnv } from '../support/test-env';
import { TEST_DATABASE_URL } from '../support/test-services';
import { startApi, waitUntil } from '../support/worker-kit';

// Issue 11: blue-green deploys with scripts/deploy behind a real nginx on loopback, while
// clients submit, poll and follow long streamed jobs. Deploy, roll back, deploy again: no
// request fails, no accepted job is lost or completed twice, every follower gets the full text.
jest.setTimeout(240_000);

const LONG_TOKENS = 60;
const LONG_TEXT = Array.from({ length: LONG_TOKENS }, (_, i) => `tok${i + 1}`).join(' ');

describe('blue-green deploys behind nginx', () => {
  let fast: FakeProviderServer;
  let slow: FakeProviderServer;
  let env: TestEnv;
  let nginx: NginxServer;
  let key: string;
  let stateDir: string;
  let flags: string[];
  let catalogue: string;
  let load: DeployLoad | undefined;

  const cli = (command: string, extra: string[] = [], onLine?: (l: string) => void) =>
    runDeployCli([command, ...flags, ...extra], env.env, onLine);

  /** The colour nginx answers from now, on a fresh connection. */
  const servedBy = () => servedColour(nginx.url);

  const activeInState = () =>
    (JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as { active: string }).active;

  const expectOk = (run: CliRun) => {
    console.log(run.stdout);
    if (run.code !== 0)
      throw new Error(`deploy failed (${run.code}):\n${run.stdout}\n${run.stderr}`);
  };

  beforeAll(async () => {
    [fast, slow] = await Promise.all([
      startFakeProvider('openai'),
      startFakeProvider('openai', { tokensPerResponse: LONG_TOKENS, tokenDelayMs: 40 }),
    ]);
    catalogue = join(tmpdir(), `deploy-chaos-${process.pid}-${Date.now()}.json`);
    writeFileSync(
      catalogue,
      JSON.stringify({
        version: 1,
        providers: [fakeProvider('fast', fast), fakeProvider('slow', slow)],
        models: [fakeModel('fast', 'fast-model', [1]), fakeModel('slow', 'slow-model', [2])],
      }),
    );
    env = await createTestEnv({
      LLM_CATALOGUE_FILE: catalogue,
      LLM_HEALTH_INTERVAL_MS: '600000',
      RATE_LIMIT_PER_MINUTE: '1000000',
      WORKER_POOLS: 'agent.chat.t*:8',
      // Long streams (about 2.5 s) finish inside the grace period: drained, not handed back.
      WORKER_SHUTDOWN_GRACE_MS: '20000',
    });
    // The smoke job and the load need a tenant before any colour runs.
    const api = await startApi(env.env);
    key = (await createTenant(httpClient(`http://127.0.0.1:${env.env.API_PORT}`), 'deploy')).key;
    await api.stop();
    nginx = await startNginx();
    stateDir = mkdtempSync(join(tmpdir(), 'sb-deploy-'));
    flags = [
      '--state-dir',
      stateDir,
      '--blue-port',
      String(await freePort()),
      '--green-port',
      String(await freePort()),
      '--nginx-conf',
      nginx.conf,
      '--nginx-prefix',
      nginx.prefix,
      '--upstream-file',
      nginx.upstreamFile,
      '--nginx-url',
      nginx.url,
      '--smoke-key',
      key,
      '--grace-ms',
      '40000',
      '--settle-ms',
      '500',
    ];
  });

  afterAll(async () => {
    await load?.stop();
    if (stateDir) await cli('stop', ['--grace-ms', '5000']);
    await nginx?.stop();
    await Promise.all([fast?.close(), slow?.close()]);
    await env?.cleanup();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
    if (catalogue) rmSync(catalogue, { force: true });
  });

  it('deploys, rolls back and deploys again under load: nothing fails, is lost or runs twice', async () => {
    expectOk(await cli('deploy'));
    expect(await servedBy()).toBe('blue');

    const traffic = new DeployLoad(nginx.url, key, {
      submitters: 2,
      pollers: 2,
      followers: 3,
      longTier: 2,
    });
    load = traffic;
    traffic.start();
    const progress = async (jobs: number) =>
      waitUntil(async () => traffic.figures.longJobs.length >= jobs, `${jobs} long jobs`, 60_000);
    await progress(3);

    // An expand migration (a nullable column, a new table) while blue serves on the old code.
    const expand = expandMigration(env.id);
    const first = await cli('deploy', ['--migrate-command', expand]);
    expectOk(first);
    expect(first.stdout).toContain('[migrate] expanded: jobs.deploy_note');
    expect(await servedBy()).toBe('green');
    await progress(traffic.figures.longJobs.length + 2);

    // Back to blue's release: it runs on the expanded schema, which is the point of the rule.
    expectOk(await cli('rollback'));
    expect(await servedBy()).toBe('blue');
    await progress(traffic.figures.longJobs.length + 2);

    expectOk(await cli('deploy'));
    expect(await servedBy()).toBe('green');
    await progress(traffic.figures.longJobs.length + 2);

    const figures = await traffic.stop();
    const outcome = await settle(figures);
    const completions = completionsByJob(colourLogLines(stateDir, 'worker'));
    const twice = figures.accepted.filter((id) => (completions.get(id) ?? 0) > 1);
    const wrongText = figures.follows.filter((f) => !f.ended || f.text !== LONG_TEXT);
    const resumed = figures.follows.filter((f) => f.connections > 1).length;
    const hints = figures.follows.reduce((n, f) => n + f.drainHints, 0);
    const handedBack = colourLogLines(stateDir, 'worker').filter((l) => l.includes('handed back'));

    console.log(
      [
        'deploy chaos figures (deploy blue→green with an expand migration, rollback, deploy again):',
        `  HTTP requests through nginx: ${figures.requests}, failed (connection error or 5xx): ${figures.failures.length}`,
        `  sent again after nginx closed a keep-alive connection under them (RFC 9110 9.2.2): ${figures.resent.length}`,
        `  jobs accepted: ${figures.accepted.length}, completed: ${outcome.completed}, lost: ${outcome.lost.length}`,
        `  jobs completed twice: ${twice.length} (worker logs), handed back at shutdown: ${handedBack.length}`,
        `  SSE followers: ${figures.follows.length}, exact full text: ${figures.follows.length - wrongText.length}, wrong or incomplete: ${wrongText.length}`,
        `  followers resumed on another colour: ${resumed}, reconnect hints sent by draining APIs: ${hints}`,
        `  provider chat calls: fast ${fast.stats.chatRequests}, slow ${slow.stats.chatRequests}`,
      ].join('\n'),
    );
    expect(figures.failures).toEqual([]);
    expect(outcome.lost).toEqual([]);
    expect(twice).toEqual([]);
    expect(
      wrongText.map((f) => ({ id: f.jobId, text: f.text.slice(-40), ended: f.ended })),
    ).toEqual([]);
    // The load was real, and the drains really cut streams that then resumed.
    expect(figures.accepted.length).toBeGreaterThan(20);
    expect(figures.follows.length).toBeGreaterThan(6);
    expect(hints).toBeGreaterThan(0);
    expect(await columnExists(env.id, 'jobs', 'deploy_note')).toBe(true);
  });

  it('a new colour that never gets ready is stopped; traffic stays where it was, with the reason', async () => {
    const live = await servedBy();
    const unreachable = `redis://127.0.0.1:${await freePort()}`;
    const run = await cli('deploy', [
      '--skip-migrations',
      '--env',
      `REDIS_URL=${unreachable}`,
      '--ready-timeout-ms',
      '5000',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /\[failed\] ready: (blue|green) (not ready after 5000 ms|process exited)/,
    );
    expect(run.stderr).toContain(`traffic stays on ${live}`);
    expect(await servedBy()).toBe(live);
    expect(activeInState()).toBe(live);
    expect(run.stdout).not.toContain('[switch]');
  });

  it('a failing smoke job leaves traffic on the old colour and says why', async () => {
    const live = await servedBy();
    fast.setDefault({ type: 'status', status: 400, message: 'smoke refused by the provider' });
    try {
      const run = await cli('deploy', ['--skip-migrations', '--smoke-timeout-ms', '8000']);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/\[failed\] smoke: smoke job \S+ /);
      expect(run.stderr).toContain(`traffic stays on ${live}`);
      expect(await servedBy()).toBe(live);
      expect(activeInState()).toBe(live);
    } finally {
      fast.setDefault({ type: 'ok' });
    }
  });

  it('refuses a deploy while another one runs', async () => {
    const live = await servedBy();
    let locked!: () => void;
    const lockTaken = new Promise<void>((r) => (locked = r));
    const first = cli(
      'deploy',
      ['--skip-migrations'],
      (line) => line.startsWith('[lock] taken') && locked(),
    );
    await lockTaken;
    const second = await cli('deploy', ['--skip-migrations']);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(
      /\[refused\] another deploy is running \(pid \d+, deploy, since /,
    );
    expectOk(await first);
    expect(await servedBy()).not.toBe(live);
  });

  it('a failed nginx reload switches nothing and says so', async () => {
    const live = await servedBy();
    const upstream = readFileSync(nginx.upstreamFile, 'utf8');
    // nginx -t passes, but `nginx -s reload` cannot find the master's pid.
    renameSync(nginx.pidFile, `${nginx.pidFile}.moved`);
    try {
      const run = await cli('deploy', ['--skip-migrations']);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        /\[failed\] switch: nginx reload failed, nothing switched: [\s\S]*nginx\.pid/,
      );
      expect(run.stderr).toContain(`traffic stays on ${live}`);
      expect(readFileSync(nginx.upstreamFile, 'utf8')).toBe(upstream);
    } finally {
      renameSync(`${nginx.pidFile}.moved`, nginx.pidFile);
    }
    expect(await servedBy()).toBe(live);
    expect(activeInState()).toBe(live);
  });

  /** Waits for every accepted job to finish (through nginx); the ones that never do are lost. */
  async function settle(figures: LoadFigures): Promise<{ completed: number; lost: string[] }> {
    const http = httpClient(nginx.url);
    const lost: string[] = [];
    let completed = 0;
    for (const id of figures.accepted) {
      const job = await waitUntil(
        async () => {
          const res = await http<{ status: string }>('GET', `/v1/jobs/${id}?wait=10`, { key });
          return ['completed', 'failed', 'cancelled'].includes(res.body?.status) && res.body;
        },
        `job ${id} to finish`,
        60_000,
      ).catch(() => undefined);
      if (job?.status === 'completed') completed += 1;
      else lost.push(id);
    }
    return { completed, lost };
  }
});

/** The deploy's migration step: the real migrations, then an expand-only test migration. */
function expandMigration(schema: string): string {
  const sql =
    `ALTER TABLE "${schema}".jobs ADD COLUMN IF NOT EXISTS deploy_note text NULL; ` +
    `CREATE TABLE IF NOT EXISTS "${schema}".deploy_notes (id serial PRIMARY KEY, note text NOT NULL)`;
  const script =
    `const { Client } = require('pg'); const c = new Client({ connectionString: process.env.DATABASE_URL });` +
    `c.connect().then(() => c.query(${JSON.stringify(sql)})).then(() => c.end())` +
    `.then(() => console.log('expanded: jobs.deploy_note, deploy_notes'), (e) => { console.error(e.message); process.exit(1); });`;
  return `node dist/scripts/migrate.js && node -e ${shellQuote(script)}`;
}

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

function completionsByJob(lines: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) {
    const match = /end agent\.chat\.t\d (\S+) attempt \d+ completed/.exec(line);
    if (match) counts.set(match[1], (counts.get(match[1]) ?? 0) + 1);
  }
  return counts;
}

async function columnExists(schema: string, table: string, column: string): Promise<boolean> {
  const pg = new Client({ connectionString: TEST_DATABASE_URL });
  await pg.connect();
  try {
    const { rowCount } = await pg.query(
      'SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name = $3',
      [schema, table, column],
    );
    return rowCount === 1;
  } finally {
    await pg.end();
  }
}
