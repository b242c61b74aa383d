import { lchownSync, readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';

/** The account PostgreSQL runs under when we are root. */
export interface RunAs {
  user: string;
  uid: number;
  gid: number;
}

/**
 * PostgreSQL refuses to run as root, so as root we borrow a system account: `postgres` if
 * the package created it, else `nobody`. Undefined when we are not root.
 */
export function unprivilegedAccount(passwdFile = '/etc/passwd'): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const accounts = new Map<string, RunAs>();
  for (const line of readFileSync(passwdFile, 'utf8').split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user && uid && gid) accounts.set(user, { user, uid: Number(uid), gid: Number(gid) });
  }
  const account = accounts.get('postgres') ?? accounts.get('nobody');
  if (account) return account;
  throw new Error(
    'PostgreSQL cannot run as root, and there is neither a "postgres" nor a "nobody" user to ' +
      'run it as. Create one (`useradd --system postgres`) or start as a normal user.',
  );
}

/** Hands `path` to the account; everything below it too if it belonged to someone else. */
export function giveTo(path: string, account: RunAs): void {
  const stats = statSync(path);
  if (stats.uid === account.uid && stats.gid === account.gid) return;
  chownTree(path, account);
}

function chownTree(path: string, account: RunAs): void {
  lchownSync(path, account.uid, account.gid);
  if (!statSync(path).isDirectory()) return;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (!entry.isSymbolicLink()) chownTree(join(path, entry.name), account);
    else lchownSync(join(path, entry.name), account.uid, account.gid);
  }
}

/** Fails with a useful message if the account cannot walk down to `path`. */
export function assertReachable(path: string, account: RunAs): void {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if (!canEnter(statSync(dir), account)) {
      throw new Error(
        `PostgreSQL runs as user "${account.user}" (we are root), which cannot enter ${dir}. ` +
          `Choose a data directory it can reach, or allow it: chmod o+x ${dir}`,
      );
    }
    if (dir === dirname(dir)) return;
  }
}

// Spawning with uid/gid drops supplementary groups, so only owner, group and other count.
function canEnter(stats: Stats, account: RunAs): boolean {
  if (stats.uid === account.uid) return (stats.mode & 0o100) !== 0;
  if (stats.gid === account.gid) return (stats.mode & 0o010) !== 0;
  return (stats.mode & 0o001) !== 0;
}
