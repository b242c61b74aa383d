import type { Queue } from 'bullmq';
import type { AppProcess } from '../support/app-process';
import { chatInput, createTenant, httpClient, waitForJob, type Http } from '../support/http-client';
import { createTestEnv, type TestEnv } from '../support/test-env';
import {
  getJob,
  linesWith,
  mailboxQueue,
  startApi,
  startWorker,
  stopAll,
  submitJob,
  waitForStatus,
  waitUntil,
} from '../support/worker-kit';

// Acceptance check: a job in flight when a worker goes away completes or is handed back,
// never lost. Covers SIGTERM within grace, SIGTERM past grace, and SIGKILL (stalled recovery).
jest.setTimeout(120_000);

describe('worker shutdown with a job in flight', () => {
  let env: TestEnv;
  let http: Http;
  let key: string;
  let queue: Queue;
  const apps: AppProcess[] = [];

  const worker = async (overrides: Record<string, string>): Promise<AppProcess> => {
    const app = await startWorker({ ...env.env, ...overrides });
    apps.push(app);
    return app;
  };

  const submitChat = (content: string) =>
    submitJob(http, key, { role: 'chat', tier: 1, input: chatInput(content) });

  beforeAll(async () => {
    // Every worker here uses a short stalled interval: BullMQ runs one stalled check per
    // interval per queue, and a worker with the 30 s default would delay the rescue in case c.
    env = await createTestEnv({
      WORKER_POOLS: 'agent.chat.t1:2',
      WORKER_LOCK_DURATION_MS: '2000',
      WORKER_STALLED_INTERVAL_MS: '1000',
    });
    apps.push(await startApi(env.env));
    http = httpClient(`http://127.0.0.1:${env.env.API_PORT}`);
    ({ key } = await createTenant(http, 'shutdown'));
    queue = mailboxQueue(env, 'agent.chat.t1');
  });

  afterEach(async () => {
    // Workers of one case must not serve the next one; the API stays.
    const workers = apps.filter((a) => a.name === 'worker');
    apps.splice(0, apps.length, ...apps.filter((a) => a.name !== 'worker'));
    await stopAll(workers);
  });

  afterAll(async () => {
    await queue?.close();
    await stopAll(apps);
    await env?.cleanup();
  });

  it('lets a running job finish within the grace period, then exits 0', async () => {
    const w = await worker({ LLM_SIMULATED_LATENCY_MS: '3000', WORKER_SHUTDOWN_GRACE_MS: '20000' });
    const id = await submitChat('finish me during grace');
    await waitForStatus(http, key, id, 'active');

    expect(await w.stop('SIGTERM')).toBe(0);

    // No worker is left to run it: the job must have completed inside the dying one.
    const job = await getJob(http, key, id);
    expect(job.status).toBe('completed');
    expect(job.error).toBeNull();
    expect(job.attempts.made).toBe(1);
    expect(linesWith(w, 'SIGTERM: closing', '1 jobs running')).toHaveLength(1);
    expect(linesWith(w, `end agent.chat.t1 ${id} attempt 1 completed`)).toHaveLength(1);
    expect(linesWith(w, 'handed back')).toHaveLength(0);
  });

  it('hands a job back to the queue after the grace period; the next worker runs it', async () => {
    const slow = await worker({
      LLM_SIMULATED_LATENCY_MS: '60000',
      WORKER_SHUTDOWN_GRACE_MS: '500',
    });
    const id = await submitChat('hand me back');
    await waitForStatus(http, key, id, 'active');

    expect(await slow.stop('SIGTERM')).toBe(0);

    // The worker exits only after the hand-back is written, so this is no race.
    const handedBack = await getJob(http, key, id);
    expect(handedBack.status).toBe('queued');
    expect(handedBack.error).toBeNull();
    expect(await queue.getJobState(id)).toBe('waiting');
    expect(linesWith(slow, 'grace period over: handing 1 running jobs back')).toHaveLength(1);
    expect(linesWith(slow, `end agent.chat.t1 ${id}`, 'handed back to the queue')).toHaveLength(1);
    expect(linesWith(slow, 'failed in')).toHaveLength(0);

    const fast = await worker({ LLM_SIMULATED_LATENCY_MS: '0' });
    const job = await waitForJob(http, key, id);
    expect(job.status).toBe('completed');
    expect(job.error).toBeNull();
    expect(job.result.text).toMatch(/^Simulated:/);
    // A hand-back is not a failed attempt.
    expect(job.attempts.made).toBe(1);
    // The record can say completed a moment before the log line reaches us.
    await fast.waitFor(new RegExp(`end agent\\.chat\\.t1 ${id} .*completed`));
    expect(linesWith(fast, `end agent.chat.t1 ${id}`, 'completed')).toHaveLength(1);
  });

  it('recovers a job whose worker was killed (stalled-job recovery)', async () => {
    // The lock (2 s) and stalled interval (1 s) come from the file's env.
    const doomed = await worker({ LLM_SIMULATED_LATENCY_MS: '60000' });
    const id = await submitChat('survive a SIGKILL');
    await waitForStatus(http, key, id, 'active');

    expect(await doomed.kill()).toBeNull();
    expect(await queue.getJobState(id)).toBe('active'); // until its lock runs out

    const rescuer = await worker({ LLM_SIMULATED_LATENCY_MS: '0' });
    const job = await waitForJob(http, key, id, undefined, 60_000);
    expect(job.status).toBe('completed');
    expect(job.error).toBeNull();
    await rescuer.waitFor(new RegExp(`end agent\\.chat\\.t1 ${id} .*completed`));
    expect(linesWith(rescuer, `end agent.chat.t1 ${id}`, 'completed')).toHaveLength(1);
    expect(await queue.getJobState(id)).toBe('completed');
  });
  it('fails, and records, a job that stalls more often than allowed', async () => {
    // WORKER_MAX_STALLED_COUNT=1 here: the second stall makes BullMQ fail the job without
    // running it.
    const first = await worker({
      LLM_SIMULATED_LATENCY_MS: '60000',
      WORKER_MAX_STALLED_COUNT: '1',
    });
    const id = await submitChat('stall twice');
    await waitForStatus(http, key, id, 'active');
    await first.kill();

    const second = await worker({
      LLM_SIMULATED_LATENCY_MS: '60000',
      WORKER_MAX_STALLED_COUNT: '1',
    });
    await waitUntil(
      async () => linesWith(second, `start agent.chat.t1 ${id}`).length > 0,
      'second pickup',
      60_000,
    );
    await second.kill();

    const third = await worker({ LLM_SIMULATED_LATENCY_MS: '0', WORKER_MAX_STALLED_COUNT: '1' });
    const job = await waitForJob(http, key, id, ['failed', 'completed'], 60_000);
    expect(job.status).toBe('failed');
    expect(job.error.code).toBe('stalled');
    expect(job.error.message).toMatch(/stalled more than allowable limit/);
    expect(linesWith(third, `start agent.chat.t1 ${id}`)).toHaveLength(0);
    expect(await queue.getJobState(id)).toBe('failed');
  });
});
