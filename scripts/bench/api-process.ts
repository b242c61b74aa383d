import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { deferCleanup } from './exit-cleanup';
import { freePort } from '../embedded/free-port';

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

/** The built API (`dist/apps/api/src/main.js`) as a child process, like production. */
export interface ApiProcess {
  baseUrl: string;
  pid: number;
  output: string[];
}

export async function withApiProcess<T>(
  env: Record<string, string>,
  body: (api: ApiProcess) => Promise<T>,
): Promise<T> {
  const port = await freePort();
  const entry = join(__dirname, '..', '..', 'apps', 'api', 'src', 'main.js');
  const child = spawn(process.execPath, [entry], {
    env: { PATH: process.env.PATH ?? '', ...env, API_HOST: '127.0.0.1', API_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const collect = (chunk: Buffer) => output.push(...chunk.toString().split('\n').filter(Boolean));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const release = deferCleanup('api process', () => stop(child));
  try {
    const api = { baseUrl: `http://127.0.0.1:${port}`, pid: child.pid ?? 0, output };
    await waitUntilLive(api, child);
    return await body(api);
  } finally {
    await release();
  }
}

async function waitUntilLive(api: ApiProcess, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && child.exitCode === null) {
    const ok = await fetch(`${api.baseUrl}/health/live`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the API did not come up; its output:\n${api.output.slice(-30).join('\n')}`);
}

/** SIGTERM, then SIGKILL if it does not exit in time. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
