import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { EmbeddedService } from '../../scripts/embedded/embedded-service';
import { withPgClient } from '../../scripts/embedded/pg-client';
import { startEmbeddedPostgres } from '../../scripts/embedded/postgres';
import { startEmbeddedRedis } from '../../scripts/embedded/redis';

// The launcher's own Redis and PostgreSQL, started in a temp dir: data must survive restarts.
describe('embedded services', () => {
  let root: string;
  let lines: string[];
  const running: EmbeddedService[] = [];
  const log = (line: string): void => void lines.push(line);

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'sb-embedded-'));
    // As root, PostgreSQL runs as another user, which must be able to enter this directory.
    chmodSync(root, 0o755);
  });
  beforeEach(() => (lines = []));
  afterAll(async () => {
    await Promise.all(running.map((service) => service.stop()));
    rmSync(root, { recursive: true, force: true });
  });

  async function started(service: Promise<EmbeddedService>): Promise<EmbeddedService> {
    running.push(await service);
    return running[running.length - 1];
  }

  const startPostgres = (dataDir: string): Promise<EmbeddedService> =>
    started(startEmbeddedPostgres({ dataDir, database: 'sb_embedded', log }));

  async function withRedis<T>(url: string, work: (redis: Redis) => Promise<T>): Promise<T> {
    const redis = new Redis(url, { maxRetriesPerRequest: 1 });
    try {
      return await work(redis);
    } finally {
      redis.disconnect();
    }
  }

  it('redis keeps its data across a restart and never evicts', async () => {
    const dataDir = join(root, 'redis');
    const first = await started(startEmbeddedRedis({ dataDir, log }));
    expect(first.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    await withRedis(first.url, async (redis) => {
      expect(await redis.config('GET', 'maxmemory-policy')).toEqual([
        'maxmemory-policy',
        'noeviction',
      ]);
      await redis.set('sb:embedded', 'kept');
    });
    await first.stop();

    const second = await started(startEmbeddedRedis({ dataDir, log }));
    expect(await withRedis(second.url, (redis) => redis.get('sb:embedded'))).toBe('kept');
    await second.stop();
  });

  it('redis explains how to install it when redis-server is missing', async () => {
    const path = process.env.PATH;
    process.env.PATH = '';
    try {
      const attempt = startEmbeddedRedis({ dataDir: join(root, 'no-redis'), log });
      await expect(attempt).rejects.toThrow(/apt-get install redis-server.*REDIS_URL/s);
    } finally {
      process.env.PATH = path;
    }
  });

  it('postgres keeps its data across a clean restart, without a second initdb', async () => {
    const dataDir = join(root, 'pg-clean', 'data');
    await seedRow(await startPostgres(dataDir));

    const second = await startPostgres(dataDir);
    expect(await readRows(second.url)).toEqual([{ v: 'kept' }]);
    expect(lines.filter((line) => line.includes('initialising'))).toHaveLength(1);
    await second.stop();
  });

  it('postgres restarts after it was killed, removing the stale postmaster.pid', async () => {
    const dataDir = join(root, 'pg-killed', 'data');
    const first = await startPostgres(dataDir);
    await seedRow(first, { stop: false });
    await killPostmaster(dataDir);
    await first.stop(); // must cope with a server that is already gone

    const second = await startPostgres(dataDir);
    expect(lines.some((line) => line.includes('removing stale'))).toBe(true);
    expect(await readRows(second.url)).toEqual([{ v: 'kept' }]);
    await second.stop();
  });

  it('postgres ignores a postmaster.pid whose pid now belongs to another process', async () => {
    const dataDir = join(root, 'pg-reused', 'data');
    await seedRow(await startPostgres(dataDir));
    writeFileSync(join(dataDir, 'postmaster.pid'), `${process.pid}\n${dataDir}\n`);

    const second = await startPostgres(dataDir);
    expect(await readRows(second.url)).toEqual([{ v: 'kept' }]);
    await second.stop();
  });
});

async function seedRow(service: EmbeddedService, opts = { stop: true }): Promise<void> {
  expect(service.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/sb_embedded$/);
  await withPgClient(service.url, async (client) => {
    await client.query('CREATE TABLE kept (v text)');
    await client.query("INSERT INTO kept VALUES ('kept')");
  });
  if (opts.stop) await service.stop();
}

async function readRows(url: string): Promise<{ v: string }[]> {
  return withPgClient(url, async (client) => {
    const result = await client.query<{ v: string }>('SELECT v FROM kept');
    return result.rows;
  });
}

/** SIGKILL, as a crash would; then wait for its backends, which hold the shared memory. */
async function killPostmaster(dataDir: string): Promise<void> {
  const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
    .split(' ')
    .filter(Boolean)
    .map(Number);
  process.kill(pid, 'SIGKILL');
  while (![pid, ...children].every(isGone)) await delay(50);
}

function isGone(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  // A zombie has already let go of everything; only its parent's wait() is missing.
  return !existsSync(stat) || / Z /.test(readFileSync(stat, 'utf8').replace(/^.*\)/, ''));
}
