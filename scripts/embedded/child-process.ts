import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { appendFileSync, closeSync, openSync } from 'node:fs';
import { basename } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** True once the child has exited, or if it never started (no pid). */
export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null || child.pid === undefined;
}

export function describeExit(child: ChildProcess): string {
  if (child.pid === undefined) return 'could not be started';
  return child.signalCode ? `signal ${child.signalCode}` : `exit code ${child.exitCode}`;
}

/** Resolves once the child has gone, including when it could not be spawned at all. */
export function whenExited(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
}

/** Runs a short command to the end and returns its output; the error carries the output. */
export function runToCompletion(cmd: string, args: string[], opts: SpawnOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) return resolve(output);
      const how = signal ? `signal ${signal}` : `exit code ${code}`;
      const command = [basename(cmd), ...args].join(' ');
      reject(new Error(`${command} failed (${how}):\n${output.trim()}`));
    });
  });
}

/**
 * Starts a long-running server with its output appended to `logFile`. It gets its own
 * process group, so a Ctrl-C in the terminal reaches only the launcher, which can then stop
 * the apps before the databases they are still talking to.
 */
export function spawnServer(
  cmd: string,
  args: string[],
  opts: { logFile: string; cwd?: string; uid?: number; gid?: number },
): ChildProcess {
  const fd = openSync(opts.logFile, 'a');
  try {
    const { cwd, uid, gid } = opts;
    const child = spawn(cmd, args, { cwd, uid, gid, detached: true, stdio: ['ignore', fd, fd] });
    // Without a listener a failed spawn would crash us; the log tail reports it instead.
    child.on('error', (error) => appendFileSync(opts.logFile, `spawn ${cmd}: ${error.message}\n`));
    return child;
  } finally {
    closeSync(fd); // the child holds its own copy
  }
}

/** A detached server outlives us unless told to go; do so if we exit without stopping it. */
export function signalOnExit(child: ChildProcess, signal: NodeJS.Signals): () => void {
  const hook = (): void => {
    if (!hasExited(child)) child.kill(signal);
  };
  process.once('exit', hook);
  return () => process.removeListener('exit', hook);
}

/** Sends `signal`, waits for the exit, and escalates to SIGKILL after `graceMs`. */
export async function stopChild(
  child: ChildProcess,
  signal: NodeJS.Signals,
  graceMs = 30_000,
): Promise<void> {
  if (hasExited(child)) return;
  const exited = whenExited(child);
  child.kill(signal);
  const timer = new AbortController();
  const gaveUp = await Promise.race([
    exited.then(() => false),
    delay(graceMs, true, { signal: timer.signal, ref: false }).catch(() => false),
  ]);
  timer.abort();
  if (gaveUp) {
    child.kill('SIGKILL');
    await exited;
  }
}
