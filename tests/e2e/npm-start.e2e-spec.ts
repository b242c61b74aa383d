import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chatInput, httpClient, waitForJob } from '../support/http-client';
import { freePort } from '../support/test-env';

// The newcomer's path: `npm start` with no REDIS_URL / DATABASE_URL brings up embedded Redis
// and PostgreSQL, the API and a worker, and prints a key and a curl line that work; a second
// start keeps the data.

const START = join(__dirname, '..', '..', 'dist', 'scripts', 'start.js');

interface Launch {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

function launch(dataDir: string, port: number): Launch {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    SWITCHBOARD_DATA_DIR: dataDir,
    API_PORT: String(port),
    QUEUE_PREFIX: `{start${port}}`,
    LLM_SIMULATED_LATENCY_MS: '0',
  };
  const child = spawn(process.execPath, [START], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const collect = (chunk: Buffer) => output.push(...chunk.toString().split('\n'));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, output, exited };
}

async function bannerKey(run: Launch): Promise<{ key: string; curl: string }> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const line = run.output.find((l) => l.includes('Dev tenant API key:'));
    if (line) {
      const curl = run.output.filter((l) => /curl -s -X POST|-H '|-d '/.test(l)).join('\n');
      return { key: line.split(':').pop()!.trim(), curl };
    }
    if (run.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no banner; output:\n${run.output.slice(-40).join('\n')}`);
}

describe('npm start on embedded defaults', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-start-'));
  // As root, PostgreSQL runs as the postgres user, which must be able to enter the data dir.
  chmodSync(dataDir, 0o755);
  let run: Launch | undefined;

  afterAll(async () => {
    if (run && run.child.exitCode === null) {
      run.child.kill('SIGINT');
      await run.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs the platform, keeps its data across restarts, and stops cleanly', async () => {
    const port = await freePort();
    const http = httpClient(`http://127.0.0.1:${port}`);

    run = launch(dataDir, port);
    const first = await bannerKey(run);
    expect(first.key).toMatch(/^sb_/);
    expect(first.curl).toContain(`http://127.0.0.1:${port}/v1/jobs`);
    expect(first.curl).toContain(first.key);
    expect(run.output.join('\n')).toContain('starting an embedded redis-server');
    expect(run.output.join('\n')).toContain('starting an embedded PostgreSQL');

    const submitted = await http('POST', '/v1/jobs', {
      key: first.key,
      body: { role: 'chat', tier: 1, input: chatInput() },
    });
    expect(submitted.status).toBe(202);
    expect((await waitForJob(http, first.key, submitted.body.id)).status).toBe('completed');

    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.output.join('\n')).toMatch(
      /postgres: stopped[\s\S]*redis: stopped|redis: stopped[\s\S]*postgres: stopped/,
    );

    run = launch(dataDir, port);
    const second = await bannerKey(run);
    expect(second.key).toBe(first.key);
    expect(run.output.join('\n')).not.toContain('initialising a new cluster');
    const again = await http('GET', `/v1/jobs/${submitted.body.id}`, { key: second.key });
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('completed');

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });
});
