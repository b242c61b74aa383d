import { redisOptionsFromUrl } from '@switchboard/redis';
import Redis from 'ioredis';
import { cpus, loadavg, totalmem } from 'node:os';
import { Client } from 'pg';
import type { BenchSettings } from './bench-settings';

/** One line saying what the figures were measured on. */
export async function describeMachine(settings: BenchSettings): Promise<string> {
  const cores = cpus();
  const model = cores[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  const memGb = (totalmem() / 1024 ** 3).toFixed(1);
  const [redis, postgres] = await Promise.all([
    redisVersion(settings.redisUrl),
    postgresVersion(settings.databaseUrl),
  ]);
  return (
    `${cores.length} CPUs (${model}), ${memGb} GiB RAM, ${process.platform}/${process.arch}, ` +
    `Node ${process.version}, Redis ${redis}, PostgreSQL ${postgres}`
  );
}

async function redisVersion(url: string): Promise<string> {
  const redis = new Redis({ ...redisOptionsFromUrl(url), lazyConnect: true });
  try {
    await redis.connect();
    const info = await redis.info('server');
    return /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
  } catch {
    return '?';
  } finally {
    redis.disconnect();
  }
}

async function postgresVersion(url: string): Promise<string> {
  const pg = new Client({ connectionString: url });
  try {
    await pg.connect();
    const { rows } = await pg.query<{ server_version: string }>('SHOW server_version');
    return rows[0]?.server_version.split(' ')[0] ?? '?';
  } catch {
    return '?';
  } finally {
    await pg.end().catch(() => undefined);
  }
}

/** One-minute load average; other work on the machine skews every figure. */
export function loadNow(): number {
  return loadavg()[0];
}

/** A warning when the machine was busy with other work, or undefined. */
export function busyWarning(loads: number[]): string | undefined {
  const worst = Math.max(...loads);
  const limit = cpus().length * 0.5;
  if (worst <= limit) return undefined;
  return (
    `the 1-minute load average reached ${worst.toFixed(1)} on ${cpus().length} CPUs: other work ` +
    'shared the machine, so the figures are noisy; compare ratios from quiet runs only'
  );
}
