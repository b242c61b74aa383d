import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Colour, DeployOptions } from './deploy-options';
import type { ColourState } from './deploy-state';
import { DeployFailed } from './deploy-errors';
import { isAlive, sleep, terminate } from './process-control';

/**
 * The process flavour of a colour: its API on the colour's port and its workers, started
 * detached from the deploy command (they outlive it), each writing to a log file in the state
 * dir. The compose flavour runs the same steps with `docker compose up -d api-<colour>`.
 */
export function startColour(colour: Colour, opts: DeployOptions, release: string): ColourState {
  const logDir = join(opts.stateDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const apiPort = opts.ports[colour];
  const base = { ...process.env, ...opts.env, DEPLOY_COLOUR: colour };
  const logs: string[] = [];
  const run = (app: 'api' | 'worker', name: string, env: NodeJS.ProcessEnv): number => {
    const entry = join(release, 'dist', 'apps', app, 'src', 'main.js');
    if (!existsSync(entry)) throw new DeployFailed('start', `${entry} is missing: build first`);
    const log = join(logDir, `${colour}-${name}-${stamp}.log`);
    const fd = openSync(log, 'a');
    const child = spawn(process.execPath, [entry], {
      cwd: release,
      env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    child.unref();
    logs.push(log);
    if (child.pid === undefined) throw new DeployFailed('start', `could not start ${name}`);
    return child.pid;
  };
  const api = run('api', 'api', { ...base, API_PORT: String(apiPort) });
  const workers: number[] = [];
  for (let i = 1; i <= opts.workers; i += 1) {
    // Worker metrics ports would collide between colours on one host: off here.
    workers.push(run('worker', `worker-${i}`, { ...base, METRICS_PORT: '' }));
  }
  return {
    release,
    apiPort,
    env: opts.env,
    pids: { api, workers },
    logs,
    startedAt: new Date().toISOString(),
  };
}

export function colourPids(state: ColourState): number[] {
  return [state.pids.api, ...state.pids.workers];
}

/** SIGTERM the colour (API drains its streams, workers finish or hand back), within grace. */
export function stopColour(state: ColourState, graceMs: number): Promise<number[]> {
  return terminate(colourPids(state), graceMs);
}

/**
 * Ready: `/health/ready` answers 200 and every worker printed `worker ready`. A process that
 * exits, or a deadline that passes, fails the step with what the colour said last.
 */
export async function waitReady(colour: Colour, state: ColourState, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  const workerLogs = state.logs.slice(1);
  for (;;) {
    const dead = colourPids(state).findIndex((pid) => !isAlive(pid));
    if (dead >= 0) {
      throw new DeployFailed('ready', `${colour} process exited: ${tail(state.logs[dead])}`);
    }
    const last = await probeReady(state.apiPort);
    const workersReady = workerLogs.every((log) =>
      readFileSync(log, 'utf8').includes('worker ready'),
    );
    if (last === 'ready' && workersReady) return;
    if (Date.now() > deadline) {
      const why = last === 'ready' ? `workers not ready: ${tail(workerLogs[0])}` : last;
      throw new DeployFailed('ready', `${colour} not ready after ${timeoutMs} ms: ${why}`);
    }
    await sleep(200);
  }
}

async function probeReady(port: number): Promise<string> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health/ready`, {
      signal: AbortSignal.timeout(5_000),
    });
    const body = await res.text();
    return res.status === 200
      ? 'ready'
      : `/health/ready answered ${res.status} ${body.slice(0, 300)}`;
  } catch (error) {
    return `/health/ready: ${(error as Error).message}`;
  }
}

/** The last lines of a log, for a failure message. */
export function tail(log: string | undefined, lines = 8): string {
  if (!log) return '';
  try {
    return readFileSync(log, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return `(no log at ${log})`;
  }
}
