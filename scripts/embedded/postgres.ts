import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { startServer, type EmbeddedService } from './embedded-service';
import { freePort } from './free-port';
import { withPgClient } from './pg-client';
import { initDataDirIfNeeded, removeStalePidFile } from './postgres-data-dir';
import { findPostgresBinaries } from './postgres-binaries';
import { assertReachable, giveTo, unprivilegedAccount } from './run-as';

const HOST = '127.0.0.1';

/**
 * Starts a private PostgreSQL for `npm start` on `dataDir` (created with initdb on first
 * use) and makes sure `database` exists. As root, the server runs as an unprivileged user.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  database: string;
  log: (line: string) => void;
}): Promise<EmbeddedService> {
  const bin = findPostgresBinaries();
  const dataDir = resolve(opts.dataDir);
  const socketDir = socketDirFor(dataDir);
  // Parents get the usual mode (a recursive mode would apply to them too and lock us out).
  mkdirSync(dirname(dataDir), { recursive: true });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  mkdirSync(socketDir, { recursive: true, mode: 0o700 });
  const account = unprivilegedAccount();
  if (account) {
    assertReachable(dataDir, account);
    giveTo(dataDir, account);
    giveTo(socketDir, account);
    opts.log(`postgres: running as user "${account.user}" because PostgreSQL refuses root`);
  }
  const runAs = { cwd: dirname(dataDir), uid: account?.uid, gid: account?.gid };
  await initDataDirIfNeeded(bin.initdb, dataDir, runAs, opts.log);
  removeStalePidFile(dataDir, opts.log);

  const port = await freePort(HOST);
  const logFile = join(dirname(dataDir), `${basename(dataDir)}.log`);
  const adminUrl = `postgres://postgres@${HOST}:${port}/postgres`;
  opts.log(`postgres: starting ${bin.postgres} on ${HOST}:${port} (log ${logFile})`);
  const stop = await startServer({
    name: 'postgres',
    log: opts.log,
    cmd: bin.postgres,
    args: ['-D', dataDir, '-p', String(port), '-k', socketDir, '-c', `listen_addresses=${HOST}`],
    logFile,
    ...runAs,
    stopSignal: 'SIGINT', // "fast" shutdown: ends sessions, then checkpoints cleanly
    timeoutMs: 30_000, // crash recovery after a kill can take a while
    probe: () => withPgClient(adminUrl, (client) => client.query('SELECT 1')).then(() => undefined),
  });
  try {
    await ensureDatabase(adminUrl, opts.database, opts.log);
  } catch (error) {
    await stop();
    throw error;
  }
  const url = `postgres://postgres@${HOST}:${port}/${encodeURIComponent(opts.database)}`;
  opts.log(`postgres: ready at ${url}`);
  return { url, stop };
}

/**
 * The default socket directory (/var/run/postgresql on Debian) may be missing or not ours,
 * so use our own. Socket paths are limited to ~107 bytes; fall back to a short one in tmp.
 */
function socketDirFor(dataDir: string): string {
  const beside = join(dirname(dataDir), `${basename(dataDir)}-socket`);
  if (Buffer.byteLength(join(beside, '.s.PGSQL.65535.lock')) < 100) return beside;
  const hash = createHash('sha256').update(dataDir).digest('hex').slice(0, 12);
  return join(tmpdir(), `sb-pg-${hash}`);
}

async function ensureDatabase(adminUrl: string, database: string, log: (line: string) => void) {
  await withPgClient(adminUrl, async (client) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rows.length > 0) return;
    log(`postgres: creating database "${database}"`);
    await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  });
}
