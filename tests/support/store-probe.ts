import { ALL_MAILBOXES } from '@switchboard/catalogue';
import { Queue, type JobState } from 'bullmq';
import { Client } from 'pg';
import type { TestEnv } from './test-env';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './test-services';
import { waitUntil } from './worker-kit';

/** Looks straight into a test env's PostgreSQL schema and BullMQ queues, bypassing the API. */

function redisConnection(): { host: string; port: number } {
  const url = new URL(TEST_REDIS_URL);
  return { host: url.hostname, port: Number(url.port || 6379) };
}

/** Runs one query in the env's schema. */
export async function queryEnv<T = Record<string, unknown>>(
  env: TestEnv,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const pg = new Client({ connectionString: TEST_DATABASE_URL });
  await pg.connect();
  try {
    await pg.query(`SET search_path TO "${env.id}"`);
    const result = await pg.query(sql, params);
    return result.rows as T[];
  } finally {
    await pg.end();
  }
}

/** Rows in the env's `jobs` table, optionally filtered by a SQL condition. */
export async function countJobRows(
  env: TestEnv,
  where = 'true',
  params: unknown[] = [],
): Promise<number> {
  const rows = await queryEnv<{ n: string }>(
    env,
    `SELECT count(*) AS n FROM jobs WHERE ${where}`,
    params,
  );
  return Number(rows[0].n);
}

/** Runs `fn` with a BullMQ Queue on one mailbox of the env, closed afterwards. */
export async function withMailbox<T>(
  env: TestEnv,
  mailbox: string,
  fn: (queue: Queue) => Promise<T>,
): Promise<T> {
  const queue = new Queue(mailbox, {
    connection: redisConnection(),
    prefix: env.env.QUEUE_PREFIX,
  });
  try {
    return await fn(queue);
  } finally {
    await queue.close();
  }
}

/** BullMQ's state of a job, or undefined when the mailbox no longer holds it. */
export function bullJobState(
  env: TestEnv,
  mailbox: string,
  id: string,
): Promise<JobState | 'unknown' | undefined> {
  return withMailbox(env, mailbox, async (queue) => {
    const job = await queue.getJob(id);
    return job ? job.getState() : undefined;
  });
}

/**
 * Waits until BullMQ holds a job in `state`, and returns it. The worker ends a job's record
 * first and BullMQ moves the job (to completed, failed...) a moment later: after waiting for
 * a record, read BullMQ's state through this.
 */
export function waitForBullState(
  env: TestEnv,
  mailbox: string,
  id: string,
  state: JobState,
): Promise<JobState> {
  return waitUntil(
    async () => ((await bullJobState(env, mailbox, id)) === state ? state : undefined),
    `BullMQ to hold ${mailbox} ${id} as ${state}`,
  );
}

/** Job counts of every mailbox (all states), keyed by mailbox; empty mailboxes are left out. */
export async function mailboxJobCounts(env: TestEnv): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const mailbox of ALL_MAILBOXES) {
    const byState = await withMailbox(env, mailbox, (queue) => queue.getJobCounts());
    const total = Object.values(byState).reduce((sum, n) => sum + n, 0);
    if (total > 0) counts[mailbox] = total;
  }
  return counts;
}
