import type { Queue } from 'bullmq';
import { chatInput, createTenant, waitForJob } from '../support/http-client';
import { usePlatform } from '../support/platform';
import {
  getJob,
  linesWith,
  mailboxQueue,
  recordQueueEvents,
  submitJob,
  waitForLines,
  waitUntil,
} from '../support/worker-kit';

jest.setTimeout(120_000);

// Retryable failures are retried with backoff until the attempts run out; failures a retry
// cannot fix end the job at once. Either way the job record and the worker log agree.
describe('retries and failures', () => {
  const platform = usePlatform({ WORKER_POOLS: 'agent.chat.t1:2' });

  let key: string;
  let queue: Queue;
  let events: Awaited<ReturnType<typeof recordQueueEvents>>;

  beforeAll(async () => {
    ({ key } = await createTenant(platform.http, 'retries'));
    queue = mailboxQueue(platform.env, 'agent.chat.t1');
    events = await recordQueueEvents(platform.env, 'agent.chat.t1');
  });

  afterAll(async () => {
    await queue?.close();
    await events?.events.close();
  });

  it('retries a retryable failure with backoff, then fails it for good', async () => {
    const id = await submitJob(platform.http, key, {
      role: 'chat',
      tier: 1,
      input: chatInput('please fail [[simulate:error]]'),
    });
    const job = await waitForJob(
      platform.http,
      key,
      id,
      ['completed', 'failed', 'cancelled'],
      60_000,
    );
    expect(job.status).toBe('failed');
    expect(job.attempts).toEqual({ made: 3, max: 3 });
    expect(job.error).toMatchObject({ code: 'providers-exhausted', retryable: true });
    expect(job.error.message).toMatch(/simulated provider error/);
    expect(job.finishedAt).not.toBeNull();

    // The record says failed before the worker logs the end of the attempt and before BullMQ
    // moves the job to its failed set: wait for both, then read them.
    const lifecycle = await waitUntil(async () => {
      const seen = events.of(id).filter((e) => ['active', 'delayed', 'failed'].includes(e));
      return seen.includes('failed') && seen;
    }, `the failed event of ${id}`);
    await waitForLines(platform.worker, 1, `end agent.chat.t1 ${id}`, '(final)');
    const ends = linesWith(platform.worker, `end agent.chat.t1 ${id}`);
    expect(linesWith(platform.worker, `end agent.chat.t1 ${id}`, '(will retry)')).toHaveLength(2);
    expect(linesWith(platform.worker, `end agent.chat.t1 ${id}`, '(final)')).toHaveLength(1);
    expect(ends).toHaveLength(3);
    for (const attempt of [1, 2, 3]) {
      expect(
        linesWith(platform.worker, `start agent.chat.t1 ${id} attempt ${attempt}`),
      ).toHaveLength(1);
    }

    const bull = await queue.getJob(id);
    expect(await bull?.getState()).toBe('failed');
    expect(bull?.attemptsMade).toBe(3);
    // Each retry waited out its backoff in the delayed set rather than running at once.
    expect(bull?.opts.backoff).toMatchObject({ type: 'exponential', delay: 1000 });
    expect(lifecycle).toEqual(['active', 'delayed', 'active', 'delayed', 'active', 'failed']);
  });

  it('fails a job whose payload breaks its schema at once, without retrying', async () => {
    // A real record through the API, held back by a delay so no worker takes it yet...
    const id = await submitJob(platform.http, key, {
      role: 'chat',
      tier: 1,
      input: chatInput('replaced before it runs'),
      delay: 60_000,
    });
    expect((await getJob(platform.http, key, id)).status).toBe('delayed');
    const original = await queue.getJob(id);
    expect(original).toBeDefined();
    expect(await original!.getState()).toBe('delayed');

    // ...then its BullMQ job is swapped for one whose input breaks the chat schema.
    await original!.remove();
    await queue.add(
      'chat',
      { ...original!.data, input: { messages: [] } },
      { jobId: id, attempts: 3, backoff: { type: 'fixed', delay: 100 } },
    );

    const job = await waitForJob(
      platform.http,
      key,
      id,
      ['completed', 'failed', 'cancelled'],
      60_000,
    );
    expect(job.status).toBe('failed');
    expect(job.attempts.made).toBe(1);
    expect(job.error).toMatchObject({ code: 'invalid-payload', retryable: false });
    expect(job.error.message).toMatch(/messages/);
    // BullMQ's failed event and the end line come after the record's failure: wait for them.
    const seen = await waitUntil(async () => {
      const all = events.of(id);
      return all.includes('failed') && all;
    }, `the failed event of ${id}`);
    await waitForLines(platform.worker, 1, `end agent.chat.t1 ${id}`, '(final)');
    expect(linesWith(platform.worker, `end agent.chat.t1 ${id}`, '(final)')).toHaveLength(1);
    expect(linesWith(platform.worker, `end agent.chat.t1 ${id}`, '(will retry)')).toHaveLength(0);

    const bull = await queue.getJob(id);
    expect(await bull?.getState()).toBe('failed');
    expect(bull?.attemptsMade).toBe(1);
    expect(bull?.opts.attempts).toBe(3);
    // Once swapped in, the job ran once and failed: no trip through the delayed set.
    expect(seen.slice(seen.lastIndexOf('waiting'))).toEqual(['waiting', 'active', 'failed']);
  });
});
