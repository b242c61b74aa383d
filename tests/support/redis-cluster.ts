import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { freePort } from './test-env';

/** A throwaway Redis Cluster of masters on loopback, in its own temp dir. */
export interface RedisClusterFixture {
  ports: number[];
  /** REDIS_CLUSTER_NODES for the apps. */
  nodes: string;
  stop(): Promise<void>;
}

/** A free port whose cluster bus port (port + 10000) is free too. */
async function clusterPort(taken: Set<number>): Promise<number> {
  for (let i = 0; i < 200; i += 1) {
    const port = await freePort();
    if (port + 10000 > 65535 || taken.has(port)) continue;
    const bus = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port + 10000, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (bus) return port;
  }
  throw new Error('no free port pair for a cluster node');
}

async function waitForPing(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: null });
    try {
      await redis.connect();
      await redis.ping();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      redis.disconnect();
    }
  }
}

/** Starts `masters` redis-server processes in cluster mode and joins them with redis-cli. */
export async function startRedisCluster(masters = 3): Promise<RedisClusterFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-redis-cluster-'));
  const taken = new Set<number>();
  const ports: number[] = [];
  const processes: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(
      processes.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.exitCode !== null || p.signalCode !== null) return resolve();
            p.once('exit', () => resolve());
            p.kill('SIGKILL');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i += 1) {
      const port = await clusterPort(taken);
      taken.add(port);
      ports.push(port);
      const args = [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(dir, `nodes-${port}.conf`),
        '--cluster-node-timeout',
        '5000',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
      ];
      processes.push(spawn('redis-server', args, { stdio: 'ignore' }));
    }
    await Promise.all(ports.map(waitForPing));
    const created = spawnSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (created.status !== 0)
      throw new Error(`redis-cli --cluster create: ${created.stdout}${created.stderr}`);
    await waitForClusterOk(ports);
  } catch (error) {
    await stop();
    throw error;
  }
  return { ports, nodes: ports.map((p) => `127.0.0.1:${p}`).join(','), stop };
}

/** Every node reports cluster_state:ok (slots assigned and gossip settled). */
async function waitForClusterOk(ports: number[]): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const states = await Promise.all(
      ports.map(async (port) => {
        const redis = new Redis({ port, host: '127.0.0.1' });
        try {
          return String(await redis.cluster('INFO')).includes('cluster_state:ok');
        } finally {
          redis.disconnect();
        }
      }),
    );
    if (states.every(Boolean)) return;
    if (Date.now() > deadline) throw new Error('the Redis Cluster never reported cluster_state:ok');
    await new Promise((r) => setTimeout(r, 100));
  }
}
