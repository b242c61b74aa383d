import { JOB_COMPAT_VERSION } from '@switchboard/catalogue';
import type { Queue } from 'bullmq';
import { AppProcess } from '../support/app-process';
import { chatInput, createTenant, httpClient, waitForJob, type Http } from '../support/http-client';
import { createTestEnv, freePort, type TestEnv } from '../support/test-env';
import {
  getJob,
  linesWith,
  mailboxQueue,
  submitJob,
  waitForLines,
  waitUntil,
} from '../support/worker-kit';

jest.setTimeout(240_000);

/** Boot can be slow on a loaded machine; the apps are registered before they are waited for. */
const BOOT_MS = 120_000;
const ready = (app: AppProcess) =>
  app.waitFor(app.name === 'api' ? /API listening on/ : /worker ready/, BOOT_MS);

// A deploy that bumps the job compatibility version, rehearsed with the built apps: the new
// API (JOB_COMPAT_VERSION one above the code's) stamps its jobs with the new version; a worker
// of the old version takes them and hands them back, spending no attempt, for as long as it
// is alone; a worker of the new version, started beside it, runs them once.
describe('job compatibility version across a deploy', () => {
  const NEWER = String(JOB_COMPAT_VERSION + 1);
  let env: TestEnv;
  let api: AppProcess;
  let oldWorker: AppProcess;
  let newWorker: AppProcess | undefined;
  let http: Http;
  let key: string;
  let queue: Queue;

  beforeAll(async () => {
    env = await createTestEnv({
      WORKER_POOLS: 'agent.chat.t1:2',
      WORKER_INCOMPATIBLE_RETRY_MS: '50',
    });
    api = AppProcess.start('api', { ...env.env, JOB_COMPAT_VERSION: NEWER });
    oldWorker = AppProcess.start('worker', env.env);
    await Promise.all([ready(api), ready(oldWorker)]);
    http = httpClient(`http://127.0.0.1:${env.env.API_PORT}`);
    ({ key } = await createTenant(http, 'compat'));
    queue = mailboxQueue(env, 'agent.chat.t1');
  });

  afterAll(async () => {
    await queue?.close();
    await Promise.all([api?.stop(), oldWorker?.stop(), newWorker?.stop()]);
    await env?.cleanup();
  });

  it('is handed back by old workers without an attempt, and run once by a new one', async () => {
    const id = await submitJob(http, key, { role: 'chat', tier: 1, input: chatInput('hello') });
    const attempts = (await getJob(http, key, id)).attempts.max;
    const bull = await waitUntil(
      async () => {
        const job = await queue.getJob(id);
        return job && job.attemptsStarted > attempts + 2 && job;
      },
      `the old worker to take ${id} more than ${attempts + 2} times`,
    );
    expect(bull.data).toMatchObject({ compat: Number(NEWER) });
    expect(bull.attemptsMade).toBe(0);
    expect(bull.failedReason).toBeFalsy();

    const waiting = await getJob(http, key, id);
    expect(waiting.status).toBe('queued');
    expect(waiting.attempts.made).toBe(0);
    const [warning] = await waitForLines(oldWorker, 1, id, 'handed back');
    expect(warning).toContain(
      `needs job compat ${NEWER}, this worker runs up to ${JOB_COMPAT_VERSION}`,
    );
    // Once per job, however often it was taken; and no run of it ever started here.
    expect(linesWith(oldWorker, id, 'handed back')).toHaveLength(1);
    expect(linesWith(oldWorker, `start agent.chat.t1 ${id}`)).toEqual([]);

    newWorker = AppProcess.start('worker', { ...env.env, JOB_COMPAT_VERSION: NEWER });
    await ready(newWorker);
    const done = await waitForJob(http, key, id, ['completed', 'failed', 'cancelled'], 60_000);
    expect(done.status).toBe('completed');
    expect(done.attempts.made).toBe(1);
    await waitForLines(newWorker, 1, `end agent.chat.t1 ${id}`, 'completed');
    expect(linesWith(newWorker, `start agent.chat.t1 ${id}`)).toHaveLength(1);
    expect(linesWith(oldWorker, `start agent.chat.t1 ${id}`)).toEqual([]);
  });

  it('old workers still run the jobs of their own version', async () => {
    // The API of the old colour: no override, so the code's version.
    const port = await freePort();
    const oldApi = AppProcess.start('api', { ...env.env, API_PORT: String(port) });
    try {
      await ready(oldApi);
      const oldHttp = httpClient(`http://127.0.0.1:${port}`);
      const id = await submitJob(oldHttp, key, { role: 'chat', tier: 1, input: chatInput('hi') });
      const done = await waitForJob(oldHttp, key, id, ['completed', 'failed', 'cancelled'], 60_000);
      expect(done.status).toBe('completed');
      expect(done.attempts.made).toBe(1);
      expect((await queue.getJob(id))?.data).toMatchObject({ compat: JOB_COMPAT_VERSION });
    } finally {
      await oldApi.stop();
    }
  });
});
