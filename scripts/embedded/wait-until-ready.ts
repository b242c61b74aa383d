import type { ChildProcess } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { describeExit, hasExited } from './child-process';
import { tailFile } from './log-tail';

export interface ReadinessOptions {
  name: string;
  child: ChildProcess;
  logFile: string;
  timeoutMs: number;
  /** Resolves when the server answers; throws (with a reason) while it does not. */
  probe: () => Promise<void>;
  intervalMs?: number;
}

/** Polls `probe` until it succeeds, failing early if the server exits. */
export async function waitUntilReady(opts: ReadinessOptions): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastError: string;
  for (;;) {
    if (hasExited(opts.child)) {
      throw startupError(opts, `exited (${describeExit(opts.child)}) before accepting connections`);
    }
    try {
      await opts.probe();
      return;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) {
      const seconds = Math.round(opts.timeoutMs / 1000);
      throw startupError(opts, `did not accept connections within ${seconds}s (${lastError})`);
    }
    await delay(opts.intervalMs ?? 100);
  }
}

function startupError(opts: ReadinessOptions, what: string): Error {
  const tail = tailFile(opts.logFile) || '(empty)';
  return new Error(`${opts.name} ${what}. Last lines of ${opts.logFile}:\n${tail}`);
}
