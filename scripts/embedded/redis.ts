import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { startServer, type EmbeddedService } from './embedded-service';
import { findOnPath } from './find-binary';
import { freePort } from './free-port';

const HOST = '127.0.0.1';

/**
 * Starts a private redis-server for `npm start`, persisting to `dataDir` (append-only file),
 * so a later start on the same directory sees the same data.
 */
export async function startEmbeddedRedis(opts: {
  dataDir: string;
  log: (line: string) => void;
}): Promise<EmbeddedService> {
  const binary = findRedisServer();
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort(HOST);
  const logFile = join(dataDir, 'redis.log');
  opts.log(`redis: starting ${binary} on ${HOST}:${port} (data in ${dataDir}, log ${logFile})`);
  const stop = await startServer({
    name: 'redis',
    log: opts.log,
    cmd: binary,
    args: redisArgs(dataDir, port, logFile),
    logFile,
    cwd: dataDir,
    stopSignal: 'SIGTERM', // same as SHUTDOWN: flushes the append-only file, then exits
    timeoutMs: 15_000,
    probe: () => ping(port),
  });
  const url = `redis://${HOST}:${port}`;
  opts.log(`redis: ready at ${url}`);
  return { url, stop };
}

function findRedisServer(): string {
  const binary = findOnPath('redis-server');
  if (binary) return binary;
  throw new Error(
    'redis-server was not found on the PATH. Install Redis ' +
      '(Debian/Ubuntu: `sudo apt-get install redis-server`, macOS: `brew install redis`), ' +
      'or set REDIS_URL to an existing Redis server (for example redis://127.0.0.1:6379).',
  );
}

function redisArgs(dataDir: string, port: number, logFile: string): string[] {
  return [
    ...['--port', String(port), '--bind', HOST, '--daemonize', 'no'],
    ...['--dir', dataDir, '--logfile', logFile],
    // Durable across restarts without RDB snapshots.
    ...['--appendonly', 'yes', '--save', ''],
    // BullMQ loses jobs if Redis may evict keys.
    ...['--maxmemory-policy', 'noeviction'],
  ];
}

/** A raw inline PING: no client library, and `-LOADING` while replaying the AOF counts as not ready. */
function ping(port: number): Promise<void> {
  return new Promise((resolvePing, reject) => {
    const socket = connect({ host: HOST, port });
    let reply = '';
    socket.setTimeout(1_000, () => socket.destroy(new Error('no reply to PING within 1s')));
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('connection closed before a reply')));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString();
      if (!reply.includes('\r\n')) return;
      socket.destroy();
      if (reply.startsWith('+PONG')) resolvePing();
      else reject(new Error(`PING answered ${reply.trim()}`));
    });
  });
}
