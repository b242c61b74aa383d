import { Queue, QueueEvents } from 'bullmq';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { AppProcess } from './app-process';
import type { Http } from './http-client';
import type { TestEnv } from './test-env';

// Helpers for the worker suites: start single apps, look at BullMQ behind the API, wait for
// conditions (never for a duration), and run apps that are expected to refuse to start.

const ROOT = join(__dirname, '..', '..');

/** Polls `probe` until it returns a truthy value, which it returns; fails with `what`. */
export async function waitUntil<T>(
  probe: () => Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const reason = lastError ? ` (last error: ${(lastError as Error).message})` : '';
  throw new Error(`timed out waiting for ${what}${reason}`);
}

export async function startApi(env: Record<string, string>): Promise<AppProcess> {
  const api = AppProcess.start('api', env);
  await api.waitFor(/API listening on/);
  return api;
}

export async function startWorker(env: Record<string, string>): Promise<AppProcess> {
  const worker = AppProcess.start('worker', env);
  await worker.waitFor(/worker ready/);
  return worker;
}

/** The fields of a job (GET /v1/jobs/:id) these suites read. */
export interface JobBody {
  id: string;
  status: string;
  parentId: string | null;
  result: unknown;
  error: { message: string; code?: string; retryable?: boolean } | null;
  attempts: { made: number; max: number };
}

/** Submits a job over the API and returns its id. */
export async function submitJob(http: Http, key: string, body: unknown): Promise<string> {
  const response = await http<{ id: string }>('POST', '/v1/jobs', { key, body });
  if (response.status !== 202) {
    throw new Error(`submit: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return response.body.id;
}

export async function getJob(http: Http, key: string, id: string): Promise<JobBody> {
  const response = await http<JobBody>('GET', `/v1/jobs/${id}`, { key });
  if (response.status !== 200) throw new Error(`get ${id}: ${response.status}`);
  return response.body;
}

/** Waits until the job record says `status` (e.g. `active`), whatever else happens. */
export async function waitForStatus(
  http: Http,
  key: string,
  id: string,
  status: string,
  timeoutMs = 30_000,
): Promise<JobBody> {
  return waitUntil(
    async () => {
      const job = await getJob(http, key, id);
      return job.status === status ? job : undefined;
    },
    `job ${id} to be ${status}`,
    timeoutMs,
  );
}

function bullOptions(env: TestEnv) {
  const url = new URL(env.env.REDIS_URL);
  return {
    connection: { host: url.hostname, port: Number(url.port || 6379) },
    prefix: env.env.QUEUE_PREFIX,
  };
}

/** A producer Queue on one mailbox of a test env (its own prefix), to look behind the API. */
export function mailboxQueue(env: TestEnv, name: string): Queue {
  const queue = new Queue(name, bullOptions(env));
  queue.on('error', () => undefined);
  return queue;
}

/** Records the BullMQ events of one mailbox (delayed, failed, completed...) by job id. */
export async function recordQueueEvents(
  env: TestEnv,
  name: string,
): Promise<{ events: QueueEvents; of(jobId: string): string[] }> {
  const events = new QueueEvents(name, {
    ...bullOptions(env),
    connection: { ...bullOptions(env).connection, maxRetriesPerRequest: null },
  });
  events.on('error', () => undefined);
  const seen: { jobId: string; event: string }[] = [];
  for (const event of [
    'active',
    'delayed',
    'failed',
    'completed',
    'waiting',
    'retries-exhausted',
  ] as const) {
    events.on(event, ({ jobId }: { jobId: string }) => seen.push({ jobId, event }));
  }
  await events.waitUntilReady();
  return { events, of: (jobId) => seen.filter((e) => e.jobId === jobId).map((e) => e.event) };
}

/** Output lines of an app that contain every fragment. */
export function linesWith(app: AppProcess, ...fragments: string[]): string[] {
  return app.output.filter((line) => fragments.every((f) => line.includes(f)));
}

/**
 * Waits until an app has printed at least `count` lines containing every fragment, and
 * returns them. A child's output arrives through a pipe after the fact it reports may already
 * be visible elsewhere (a job record, a BullMQ state): read a log only through this.
 */
export function waitForLines(
  app: AppProcess,
  count: number,
  ...fragments: string[]
): Promise<string[]> {
  return waitUntil(
    async () => {
      const lines = linesWith(app, ...fragments);
      return lines.length >= count && lines;
    },
    `${count} line(s) of ${app.name} with ${fragments.map((f) => `"${f}"`).join(' and ')}`,
  );
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** Runs an app that should refuse to start, and resolves when it exits (or kills it). */
export function runUntilExit(
  name: 'api' | 'worker',
  env: Record<string, string | undefined>,
  timeoutMs = 30_000,
): Promise<Exit> {
  const entry = join(ROOT, 'dist', 'apps', name, 'src', 'main.js');
  const child = spawn(process.execPath, [entry], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'log', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: string[] = [];
  child.stdout.on('data', (c: Buffer) => chunks.push(c.toString()));
  child.stderr.on('data', (c: Buffer) => chunks.push(c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => {
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output: chunks.join('') });
    });
  });
}

/** Stops whatever is still running, ignoring apps that already exited. */
export async function stopAll(apps: AppProcess[]): Promise<void> {
  await Promise.all(apps.splice(0).map((app) => app.kill()));
}
