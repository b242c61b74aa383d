import type { Queue } from 'bullmq';
import type { AppProcess } from '../support/app-process';
import { chatInput, createTenant, httpClient, waitForJob, type Http } from '../support/http-client';
import { createTestEnv, type TestEnv } from '../support/test-env';
import {
  getJob,
  linesWith,
  mailboxQueue,
  runUntilExit,
  startApi,
  startWorker,
  stopAll,
  submitJob,
} from '../support/worker-kit';

jest.setTimeout(120_000);

// WORKER_POOLS chooses the mailboxes a worker process serves: configuration, not code.
describe('WORKER_POOLS', () => {
  let env: TestEnv;
  let http: Http;
  let key: string;
  let tier1: Queue;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    env = await createTestEnv();
    apps.push(await startApi(env.env));
    http = httpClient(`http://127.0.0.1:${env.env.API_PORT}`);
    ({ key } = await createTenant(http, 'pools'));
    tier1 = mailboxQueue(env, 'agent.chat.t1');
  });

  afterAll(async () => {
    await tier1?.close();
    await stopAll(apps);
    await env?.cleanup();
  });

  it('serves only the tiers it is given; another pool picks up the rest', async () => {
    const t0Worker = await startWorker({ ...env.env, WORKER_POOLS: 'agent.*.t0:2' });
    apps.push(t0Worker);
    expect(linesWith(t0Worker, 'pool agent.*.t0: 7 mailboxes, concurrency 2')).toHaveLength(1);

    // The tier-1 job goes in first, so a worker that wrongly served it would have had every chance.
    const t1Id = await submitJob(http, key, {
      role: 'chat',
      tier: 1,
      input: chatInput('tier one'),
    });
    const t0Id = await submitJob(http, key, {
      role: 'chat',
      tier: 0,
      input: chatInput('tier zero'),
    });

    const t0Job = await waitForJob(http, key, t0Id);
    expect(t0Job.status).toBe('completed');
    expect(t0Job.result.model).toBe('simulated-local');
    const waiting = await getJob(http, key, t1Id);
    expect(waiting.status).toBe('queued');
    expect(waiting.attempts.made).toBe(0);
    expect(await tier1.getJobState(t1Id)).toBe('waiting');
    expect(linesWith(t0Worker, 'agent.chat.t1')).toHaveLength(0);
    // The record can say completed a moment before the log line reaches us.
    await t0Worker.waitFor(new RegExp(`end agent\\.chat\\.t0 ${t0Id} attempt 1 completed`));
    expect(linesWith(t0Worker, `end agent.chat.t0 ${t0Id} attempt 1 completed`)).toHaveLength(1);

    const t1Worker = await startWorker({ ...env.env, WORKER_POOLS: 'agent.*.t1' });
    apps.push(t1Worker);
    expect(linesWith(t1Worker, 'pool agent.*.t1: 7 mailboxes, concurrency 1')).toHaveLength(1);
    const t1Job = await waitForJob(http, key, t1Id);
    expect(t1Job.status).toBe('completed');
    expect(t1Job.result.model).toBe('simulated-economy');
    await t1Worker.waitFor(new RegExp(`end agent\\.chat\\.t1 ${t1Id} attempt 1 completed`));
    expect(linesWith(t1Worker, `end agent.chat.t1 ${t1Id} attempt 1 completed`)).toHaveLength(1);
    expect(linesWith(t0Worker, t1Id)).toHaveLength(0);
  });

  it('refuses to start with a pattern that matches no mailbox', async () => {
    const exit = await runUntilExit('worker', { ...env.env, WORKER_POOLS: 'agent.wizard.t0' });
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(exit.output).toMatch(/WORKER_POOLS: 'agent\.wizard\.t0' matches no mailbox/);
    expect(exit.output).not.toMatch(/worker ready/);
  });

  it('refuses to start with an entry it cannot read', async () => {
    const exit = await runUntilExit('worker', { ...env.env, WORKER_POOLS: 'agent.chat.t1:many' });
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(exit.output).toMatch(/WORKER_POOLS: cannot read 'agent\.chat\.t1:many'/);
  });
});
