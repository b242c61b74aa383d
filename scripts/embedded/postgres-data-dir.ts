import type { SpawnOptions } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runToCompletion } from './child-process';

/** Creates the cluster on first use only; an existing one keeps its data. */
export async function initDataDirIfNeeded(
  initdb: string,
  dataDir: string,
  spawnOpts: SpawnOptions,
  log: (line: string) => void,
): Promise<void> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  log(`postgres: initialising a new cluster in ${dataDir}`);
  // --no-locale: the host's LANG may name a locale that is not installed, which fails initdb.
  const args = ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-locale'];
  const help = await runToCompletion(initdb, ['--help'], spawnOpts);
  if (help.includes('--no-instructions')) args.push('--no-instructions'); // PostgreSQL 13+
  await runToCompletion(initdb, args, spawnOpts);
}

/**
 * A postmaster killed without shutting down leaves postmaster.pid behind. Remove it when its
 * process is gone; refuse clearly when a live server still owns the directory.
 */
export function removeStalePidFile(dataDir: string, log: (line: string) => void): void {
  const pidFile = join(dataDir, 'postmaster.pid');
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  } catch {
    return; // no pid file: the last run shut down cleanly
  }
  if (Number.isInteger(pid) && pid > 0 && isRunningPostgres(pid)) {
    throw new Error(
      `A PostgreSQL server (pid ${pid}) is already running on ${dataDir} (another launcher, ` +
        `or one left over from an earlier run). Stop it (kill -INT ${pid}) and start again.`,
    );
  }
  log(`postgres: removing stale ${pidFile} (pid ${pid} is not a running PostgreSQL)`);
  rmSync(pidFile, { force: true });
}

function isRunningPostgres(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, but not ours to signal
  }
  // After a reboot the pid may belong to an unrelated process; Linux lets us check.
  try {
    return /^post(gres|master)/.test(readFileSync(`/proc/${pid}/comm`, 'utf8'));
  } catch {
    return true; // no /proc: assume it is the server
  }
}
