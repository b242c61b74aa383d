import type { Redis } from 'ioredis';
import type { BudgetKeys, BudgetScripts } from './budget-redis';

export interface SweepBatch {
  /** Expired reservations the batch found (at most the limit asked for). */
  found: number;
  /** Of those, how many the script charged (as lost calls). */
  charged: number;
}

function isCounter(field: string): boolean {
  return !field.startsWith('~');
}

/**
 * Charges up to `limit` expired reservations, oldest expiry first, passing every key the
 * sweep script touches in KEYS: the script cannot look up the reservations' hashes and
 * counters itself and stay on declared keys (Redis Cluster). So the names are read first,
 * in two round trips — the zset's earliest entries with Redis's own clock, then those
 * reservations' hashes — and the script re-checks each one under its own atomicity: a
 * reservation settled or charged by another process in the meantime is left alone (never
 * charged twice), and one whose hash changed to hold a counter not passed is left for the
 * next sweep.
 */
export async function sweepExpiredBatch(
  redis: Redis,
  keys: BudgetKeys,
  scripts: BudgetScripts,
  limit: number,
): Promise<SweepBatch> {
  const [time, entries] = await readReplies<[[string, string], string[]]>(
    redis
      .pipeline()
      .time()
      .zrange(keys.reservations, 0, limit - 1, 'WITHSCORES'),
  );
  const now = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
  const ids: string[] = [];
  for (let i = 0; i < entries.length; i += 2) {
    if (Number(entries[i + 1]) > now) break; // sorted by expiry: the rest are live
    ids.push(entries[i]);
  }
  if (ids.length === 0) return { found: 0, charged: 0 };

  const read = redis.pipeline();
  for (const id of ids) read.hkeys(keys.reservation(id));
  const fields = await readReplies<string[][]>(read);
  const scriptKeys = [keys.reservations, keys.invocations];
  const args: (string | number)[] = [];
  ids.forEach((id, i) => {
    const counters = fields[i].filter(isCounter);
    scriptKeys.push(keys.reservation(id), ...counters);
    args.push(id, counters.length);
  });
  const [charged] = await scripts.sweep(scriptKeys, args);
  return { found: ids.length, charged };
}

async function readReplies<T extends unknown[]>(
  pipeline: ReturnType<Redis['pipeline']>,
): Promise<T> {
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([error, value]) => {
    if (error) throw error;
    return value;
  }) as T;
}
