import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { deferCleanup } from './exit-cleanup';

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const KEPT_LINES = 200;

/** The built worker (`dist/apps/worker/src/main.js`) as a child process, like production. */
export interface WorkerProcess {
  pid: number;
  /** Its last lines of output. */
  output: string[];
}

/** Starts the worker with `env` (LOG_LEVEL log, to see "worker ready") and stops it afterwards. */
export async function withWorkerProcess<T>(
  env: Record<string, string>,
  body: (worker: WorkerProcess) => Promise<T>,
): Promise<T> {
  const entry = join(__dirname, '..', '..', 'apps', 'worker', 'src', 'main.js');
  const child = spawn(process.execPath, [entry], {
    env: { PATH: process.env.PATH ?? '', ...env, LOG_LEVEL: 'log' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  let ready = false;
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      if (/worker ready/.test(line)) ready = true;
      output.push(line);
    }
    if (output.length > KEPT_LINES) output.splice(0, output.length - KEPT_LINES);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const release = deferCleanup('worker process', () => stop(child));
  try {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!ready && Date.now() < deadline && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!ready) {
      throw new Error(`the worker did not come up; its output:\n${output.slice(-30).join('\n')}`);
    }
    return await body({ pid: child.pid ?? 0, output });
  } finally {
    await release();
  }
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
