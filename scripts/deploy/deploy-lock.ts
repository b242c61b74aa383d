import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DeployRefused } from './deploy-errors';
import { isAlive } from './process-control';

interface LockOwner {
  pid: number;
  command: string;
  since: string;
}

/**
 * One deploy at a time per state dir: `deploy.lock` is created exclusively and holds its
 * owner. A lock whose owner is gone (a killed deploy) is taken over, and said so.
 */
export function takeLock(
  stateDir: string,
  command: string,
  say: (line: string) => void,
): () => void {
  mkdirSync(stateDir, { recursive: true });
  const path = join(stateDir, 'deploy.lock');
  for (let tries = 0; tries < 2; tries += 1) {
    try {
      const fd = openSync(path, 'wx');
      const owner: LockOwner = { pid: process.pid, command, since: new Date().toISOString() };
      writeSync(fd, JSON.stringify(owner));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(path);
      if (owner && isAlive(owner.pid)) {
        throw new DeployRefused(
          `another deploy is running (pid ${owner.pid}, ${owner.command}, since ${owner.since}); ` +
            `wait for it to finish`,
        );
      }
      say(`[lock] removing a stale lock${owner ? ` of pid ${owner.pid} (${owner.command})` : ''}`);
      rmSync(path, { force: true });
    }
  }
  throw new DeployRefused('could not take the deploy lock');
}

function readOwner(path: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}
