import { randomUUID } from 'node:crypto';
import { chatInput, createTenant, waitForJob } from '../support/http-client';
import { usePlatform } from '../support/platform';
import { expectProblem } from '../support/problem-assert';
import { bullJobState } from '../support/store-probe';
import { linesWith, waitForLines, waitUntil } from '../support/worker-kit';

// Every attempt fails retryably; 3 attempts with exponential backoff from 1 s take a few seconds.
const FAILING = chatInput('please fail [[simulate:error]]');
const FAIL_TIMEOUT_MS = 45_000;

describe('failed jobs, the dead-letter list and replay', () => {
  const platform = usePlatform();

  let key: string;
  const ids = { t1a: '', t1b: '', t2: '', completed: '' };

  const submit = async (body: Record<string, unknown>): Promise<string> => {
    const res = await platform.http('POST', '/v1/jobs', { key, body });
    expect(res.status).toBe(202);
    return res.body.id as string;
  };
  const waitFailed = (id: string) =>
    waitForJob(platform.http, key, id, ['failed'], FAIL_TIMEOUT_MS);
  /**
   * The attempt numbers the worker started for a job, in order, once it has logged the end of
   * `runs` final attempts (the record says failed before the worker's line reaches us).
   */
  const startedAttempts = async (mailbox: string, id: string, runs: number): Promise<number[]> => {
    await waitForLines(platform.worker, runs, `end ${mailbox} ${id}`, '(final)');
    return linesWith(platform.worker, `start ${mailbox} ${id} attempt `).map((line) =>
      Number(/attempt (\d+)/.exec(line)?.[1]),
    );
  };
  const dlqIds = async (query = ''): Promise<string[]> => {
    const res = await platform.http<{ data: { id: string }[] }>('GET', `/v1/dlq${query}`, { key });
    expect(res.status).toBe(200);
    return res.body.data.map((j) => j.id);
  };

  beforeAll(async () => {
    ({ key } = await createTenant(platform.http, 'dead-letters'));
    ids.t1a = await submit({ role: 'chat', tier: 1, input: FAILING });
    ids.t1b = await submit({ role: 'chat', tier: 1, input: FAILING });
    ids.t2 = await submit({ role: 'chat', tier: 2, input: FAILING });
    ids.completed = await submit({ role: 'chat', tier: 1, input: chatInput('fine') });
    await Promise.all([ids.t1a, ids.t1b, ids.t2].map(waitFailed));
    await waitForJob(platform.http, key, ids.completed);
  });

  it('a job whose provider always fails ends failed after 3 attempts', async () => {
    const res = await platform.http('GET', `/v1/jobs/${ids.t1a}`, { key });
    expect(res.body).toMatchObject({
      status: 'failed',
      result: null,
      attempts: { made: 3, max: 3 },
      error: { code: 'providers-exhausted', retryable: true },
    });
    expect(res.body.error.message).toEqual(expect.any(String));
    expect(res.body.finishedAt).toEqual(expect.any(String));
    // BullMQ moves the job to its failed set just after the record says failed.
    await waitUntil(
      async () => (await bullJobState(platform.env, 'agent.chat.t1', ids.t1a)) === 'failed',
      'BullMQ to fail the job',
    );
    expect(await startedAttempts('agent.chat.t1', ids.t1a, 1)).toEqual([1, 2, 3]);
  });

  it('GET /v1/dlq lists the failed jobs only, newest first, and takes the list filters', async () => {
    expect(await dlqIds()).toEqual([ids.t2, ids.t1b, ids.t1a]);
    expect(await dlqIds('?tier=2')).toEqual([ids.t2]);
    expect(await dlqIds('?role=coder')).toEqual([]);
    // The DLQ is the failed jobs, whatever status is asked for.
    expect(await dlqIds('?status=completed')).not.toContain(ids.completed);
    const page = await platform.http('GET', '/v1/dlq?limit=2', { key });
    expect(page.body.data).toHaveLength(2);
    expect(page.body.nextCursor).toEqual(expect.any(String));
    expectProblem(await platform.http('GET', '/v1/dlq?limit=0', { key }), 400, 'invalid-query');
  });

  it('retry of a failed job → 202 with fresh attempts; it runs again and ends failed again', async () => {
    const res = await platform.http('POST', `/v1/jobs/${ids.t1a}/retry`, { key });
    expect(res.status).toBe(202);
    // The worker may already be on the fresh first attempt (the simulated failure is instant).
    expect(res.body).toMatchObject({ id: ids.t1a, finishedAt: null });
    expect(res.body.attempts.made).toBeLessThanOrEqual(1);
    expect(['queued', 'active', 'delayed']).toContain(res.body.status);
    expect(await dlqIds()).not.toContain(ids.t1a);

    // While it runs again, it is not failed, so it cannot be retried.
    const early = await platform.http('POST', `/v1/jobs/${ids.t1a}/retry`, { key });
    expectProblem(early, 409, 'job-not-failed');

    const again = await waitFailed(ids.t1a);
    // Had the attempts not been reset, BullMQ would have failed it for good after one more.
    expect(again).toMatchObject({
      attempts: { made: 3, max: 3 },
      error: { code: 'providers-exhausted' },
    });
    expect(await startedAttempts('agent.chat.t1', ids.t1a, 2)).toEqual([1, 2, 3, 1, 2, 3]);
    expect(await dlqIds()).toContain(ids.t1a);
  });

  it('retry of a job that did not fail → 409 job-not-failed', async () => {
    const res = await platform.http('POST', `/v1/jobs/${ids.completed}/retry`, { key });
    expectProblem(res, 409, 'job-not-failed');
    expect(res.body.detail).toContain('completed');
    expectProblem(
      await platform.http('POST', `/v1/jobs/${randomUUID()}/retry`, { key }),
      404,
      'not-found',
    );
  });

  it('POST /v1/dlq/replay by ids replays the failed ones and reports the others', async () => {
    const missing = randomUUID();
    const res = await platform.http('POST', '/v1/dlq/replay', {
      key,
      body: { ids: [ids.t1b, ids.completed, missing] },
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      replayed: [ids.t1b],
      skipped: [
        { id: ids.completed, reason: 'not failed (completed)' },
        { id: missing, reason: 'not-found' },
      ],
    });
    expect(await waitFailed(ids.t1b)).toMatchObject({ attempts: { made: 3, max: 3 } });
    expect(await startedAttempts('agent.chat.t1', ids.t1b, 2)).toEqual([1, 2, 3, 1, 2, 3]);
  });

  it('POST /v1/dlq/replay with a filter replays only the matching failed jobs', async () => {
    const res = await platform.http('POST', '/v1/dlq/replay', {
      key,
      body: { role: 'chat', tier: 2 },
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ replayed: [ids.t2], skipped: [] });
    expect(await dlqIds()).toEqual(expect.not.arrayContaining([ids.t2]));
    expect((await platform.http('GET', `/v1/jobs/${ids.t1a}`, { key })).body.status).toBe('failed');
    expect(await waitFailed(ids.t2)).toMatchObject({ attempts: { made: 3, max: 3 } });
    expect(await startedAttempts('agent.chat.t2', ids.t2, 2)).toEqual([1, 2, 3, 1, 2, 3]);
    expect(await startedAttempts('agent.chat.t1', ids.t1a, 2)).toEqual([1, 2, 3, 1, 2, 3]);

    const none = await platform.http('POST', '/v1/dlq/replay', { key, body: { role: 'coder' } });
    expect(none.body).toEqual({ replayed: [], skipped: [] });
  });

  it.each([
    ['ids that are not job ids', { ids: ['nope'] }, 'ids.0'],
    ['an empty id list', { ids: [] }, 'ids'],
    ['an unknown tier', { tier: 9 }, 'tier'],
    ['an unknown role', { role: 'poet' }, 'role'],
    ['a limit of 0', { limit: 0 }, 'limit'],
    ['ids and a filter together', { ids: [randomUUID()], role: 'chat' }, ''],
    ['a list', [1, 2], ''],
  ])('a replay body with %s → 422 invalid-input', async (_what, body, field) => {
    const res = await platform.http('POST', '/v1/dlq/replay', { key, body });
    expectProblem(res, 422, 'invalid-input');
    expect(res.body.errors).toEqual(expect.any(Array));
    if (field) expect(JSON.stringify(res.body.errors)).toContain(`"${field}`);
  });

  it('a replay body that is not JSON → 400 malformed-json', async () => {
    const res = await platform.http('POST', '/v1/dlq/replay', { key, rawBody: '{"ids": [' });
    expectProblem(res, 400, 'malformed-json');
  });
});
