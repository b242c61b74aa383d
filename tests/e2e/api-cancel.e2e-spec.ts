import { randomUUID } from 'node:crypto';
import { chatInput, createTenant, waitForJob } from '../support/http-client';
import { usePlatform } from '../support/platform';
import { expectProblem } from '../support/problem-assert';
import { bullJobState, queryEnv } from '../support/store-probe';

describe('POST /v1/jobs/:id/cancel', () => {
  // Only chat mailboxes are served, so a coder job stays waiting for as long as we like.
  const platform = usePlatform({ WORKER_POOLS: 'agent.chat.*:4' });

  let key: string;

  beforeAll(async () => {
    ({ key } = await createTenant(platform.http, 'canceller'));
  });

  const submit = async (body: Record<string, unknown>) => {
    const res = await platform.http('POST', '/v1/jobs', { key, body });
    expect(res.status).toBe(202);
    return res.body as { id: string; status: string; links: { cancel: string } };
  };

  it('cancels a delayed job: 200 cancelled, its BullMQ job is gone, the worker never saw it', async () => {
    const job = await submit({ role: 'chat', tier: 1, delay: 60_000, input: chatInput('later') });
    expect(job.status).toBe('delayed');
    expect(await bullJobState(platform.env, 'agent.chat.t1', job.id)).toBe('delayed');

    const res = await platform.http('POST', job.links.cancel, { key });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({ id: job.id, status: 'cancelled', result: null, error: null });
    expect(res.body.finishedAt).toEqual(expect.any(String));
    expect(res.body.attempts.made).toBe(0);
    expect(await bullJobState(platform.env, 'agent.chat.t1', job.id)).toBeUndefined();

    const read = await platform.http('GET', `/v1/jobs/${job.id}`, { key });
    expect(read.body.status).toBe('cancelled');
    const [row] = await queryEnv<{ status: string }>(
      platform.env,
      'SELECT status FROM jobs WHERE id = $1',
      [job.id],
    );
    expect(row.status).toBe('cancelled');
    expect(platform.worker.output.filter((line) => line.includes(job.id))).toEqual([]);
  });

  it('cancelling twice → 409 job-finished, and the job stays cancelled', async () => {
    const job = await submit({ role: 'chat', tier: 2, delay: 60_000, input: chatInput('twice') });
    expect((await platform.http('POST', job.links.cancel, { key })).status).toBe(200);
    const again = await platform.http('POST', job.links.cancel, { key });
    expectProblem(again, 409, 'job-finished');
    expect(again.body.detail).toContain('cancelled');
    expect((await platform.http('GET', `/v1/jobs/${job.id}`, { key })).body.status).toBe(
      'cancelled',
    );
  });

  it('cancels a job still waiting in its mailbox', async () => {
    const job = await submit({ role: 'coder', tier: 1, input: { task: 'never picked up' } });
    expect(job.status).toBe('queued');
    expect(await bullJobState(platform.env, 'agent.coder.t1', job.id)).toBe('waiting');
    const res = await platform.http('POST', job.links.cancel, { key });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('cancelled');
    expect(await bullJobState(platform.env, 'agent.coder.t1', job.id)).toBeUndefined();
  });

  it('cancelling a completed job → 409 job-finished, and its result stays', async () => {
    const job = await submit({ role: 'chat', tier: 1, input: chatInput('done already') });
    const done = await waitForJob(platform.http, key, job.id);
    expect(done.status).toBe('completed');
    const res = await platform.http('POST', job.links.cancel, { key });
    expectProblem(res, 409, 'job-finished');
    expect(res.body.detail).toContain('completed');
    const read = await platform.http('GET', `/v1/jobs/${job.id}`, { key });
    expect(read.body).toMatchObject({ status: 'completed', result: done.result });
  });

  it('cancelling a job that does not exist → 404', async () => {
    expectProblem(
      await platform.http('POST', `/v1/jobs/${randomUUID()}/cancel`, { key }),
      404,
      'not-found',
    );
    expectProblem(await platform.http('POST', '/v1/jobs/nope/cancel', { key }), 404, 'not-found');
  });
});
