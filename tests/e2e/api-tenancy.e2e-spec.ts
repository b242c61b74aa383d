import { chatInput, createTenant, waitForJob } from '../support/http-client';
import { usePlatform } from '../support/platform';
import { expectProblem } from '../support/problem-assert';
import { bullJobState, waitForBullState } from '../support/store-probe';

const SECRET = 'tenant-a-secret-4711';

describe("a tenant never sees or touches another tenant's jobs", () => {
  const platform = usePlatform();

  let a: { tenantId: string; key: string };
  let b: { tenantId: string; key: string };
  const aJobs = { completed: '', delayed: '', failed: '' };
  let bJob: string;

  const submit = async (key: string, body: Record<string, unknown>): Promise<string> => {
    const res = await platform.http('POST', '/v1/jobs', { key, body });
    expect(res.status).toBe(202);
    return res.body.id as string;
  };

  beforeAll(async () => {
    a = await createTenant(platform.http, 'tenant-a');
    b = await createTenant(platform.http, 'tenant-b');
    aJobs.completed = await submit(a.key, { role: 'chat', tier: 1, input: chatInput(SECRET) });
    aJobs.delayed = await submit(a.key, {
      role: 'chat',
      tier: 1,
      delay: 60_000,
      input: chatInput(SECRET),
    });
    aJobs.failed = await submit(a.key, {
      role: 'chat',
      tier: 1,
      input: chatInput(`${SECRET} [[simulate:error]]`),
    });
    bJob = await submit(b.key, { role: 'chat', tier: 1, input: chatInput('tenant b') });
    await Promise.all([
      waitForJob(platform.http, a.key, aJobs.completed),
      waitForJob(platform.http, a.key, aJobs.failed, ['failed'], 60_000),
      waitForJob(platform.http, b.key, bJob),
    ]);
  });

  /** Neither A's input, tenant, results nor (in listings) job ids; a 404 echoes the asked id only. */
  const expectNothingOfA = (body: unknown, listing = false) => {
    const text = JSON.stringify(body);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(a.tenantId);
    if (listing) for (const id of Object.values(aJobs)) expect(text).not.toContain(id);
    else {
      expect(text).not.toMatch(/Simulated|providers-exhausted/);
      for (const field of ['result', 'error', 'input', 'attempts', 'usage']) {
        expect(body).not.toHaveProperty(field);
      }
    }
  };

  it("A's own view: the jobs are there, with their data", async () => {
    const own = await platform.http('GET', `/v1/jobs/${aJobs.completed}`, { key: a.key });
    expect(own.status).toBe(200);
    expect(own.body.status).toBe('completed');
    expect(JSON.stringify(own.body.result)).toContain('Simulated');
  });

  it("B gets 404 for each of A's jobs, and the answer holds none of A's data", async () => {
    for (const id of Object.values(aJobs)) {
      const res = await platform.http('GET', `/v1/jobs/${id}`, { key: b.key });
      expectProblem(res, 404, 'not-found');
      expectNothingOfA(res.body);
    }
  });

  it("B cannot cancel A's delayed job: 404, and it stays delayed", async () => {
    const res = await platform.http('POST', `/v1/jobs/${aJobs.delayed}/cancel`, { key: b.key });
    expectProblem(res, 404, 'not-found');
    expectNothingOfA(res.body);
    const still = await platform.http('GET', `/v1/jobs/${aJobs.delayed}`, { key: a.key });
    expect(still.body.status).toBe('delayed');
    expect(await bullJobState(platform.env, 'agent.chat.t1', aJobs.delayed)).toBe('delayed');
  });

  it("B cannot retry A's failed job: 404, and it stays failed", async () => {
    const res = await platform.http('POST', `/v1/jobs/${aJobs.failed}/retry`, { key: b.key });
    expectProblem(res, 404, 'not-found');
    expectNothingOfA(res.body);
    const still = await platform.http('GET', `/v1/jobs/${aJobs.failed}`, { key: a.key });
    expect(still.body).toMatchObject({ status: 'failed', attempts: { made: 3, max: 3 } });
  });

  it("B's job list holds B's jobs only, whatever the filter", async () => {
    for (const query of [
      '',
      '?status=completed',
      '?status=failed',
      '?status=delayed',
      '?role=chat&tier=1',
    ]) {
      const res = await platform.http('GET', `/v1/jobs${query}`, { key: b.key });
      expect(res.status).toBe(200);
      const ids = res.body.data.map((j: { id: string }) => j.id);
      for (const id of Object.values(aJobs)) expect(ids).not.toContain(id);
      expectNothingOfA(res.body, true);
    }
    const all = await platform.http('GET', '/v1/jobs', { key: b.key });
    expect(all.body.data.map((j: { id: string }) => j.id)).toEqual([bJob]);
    expect(all.body.nextCursor).toBeNull();
    const mine = await platform.http('GET', '/v1/jobs', { key: a.key });
    expect(mine.body.data.map((j: { id: string }) => j.id).sort()).toEqual(
      Object.values(aJobs).sort(),
    );
  });

  it("B's dead-letter list is empty while A's holds A's failed job", async () => {
    const theirs = await platform.http('GET', '/v1/dlq', { key: b.key });
    expect(theirs.status).toBe(200);
    expect(theirs.body).toEqual({ data: [], nextCursor: null });
    const mine = await platform.http('GET', '/v1/dlq', { key: a.key });
    expect(mine.body.data.map((j: { id: string }) => j.id)).toEqual([aJobs.failed]);
  });

  it("B's DLQ replay skips A's failed job as not found and leaves it failed", async () => {
    const byId = await platform.http('POST', '/v1/dlq/replay', {
      key: b.key,
      body: { ids: [aJobs.failed] },
    });
    expect(byId.status).toBe(202);
    expect(byId.body).toEqual({
      replayed: [],
      skipped: [{ id: aJobs.failed, reason: 'not-found' }],
    });
    const byFilter = await platform.http('POST', '/v1/dlq/replay', {
      key: b.key,
      body: { role: 'chat' },
    });
    expect(byFilter.status).toBe(202);
    expect(byFilter.body).toEqual({ replayed: [], skipped: [] });
    const still = await platform.http('GET', `/v1/jobs/${aJobs.failed}`, { key: a.key });
    expect(still.body.status).toBe('failed');
    expect(await waitForBullState(platform.env, 'agent.chat.t1', aJobs.failed, 'failed')).toBe(
      'failed',
    );
  });
});
