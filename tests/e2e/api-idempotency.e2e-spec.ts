import { chatInput, createTenant, waitForJob } from '../support/http-client';
import { usePlatform } from '../support/platform';
import { expectProblem } from '../support/problem-assert';
import { countJobRows, waitForBullState } from '../support/store-probe';

describe('Idempotency-Key on POST /v1/jobs', () => {
  const platform = usePlatform();

  let key: string;

  beforeAll(async () => {
    ({ key } = await createTenant(platform.http, 'idem'));
  });

  const submit = (idempotencyKey: string, body: unknown, as = key) =>
    platform.http('POST', '/v1/jobs', {
      key: as,
      body,
      headers: { 'idempotency-key': idempotencyKey },
    });

  it('the same key and body twice: 202 then 200 with the same job and Idempotent-Replayed', async () => {
    const body = { role: 'chat', tier: 1, input: chatInput('exactly once') };
    const first = await submit('order-1', body);
    expect(first.status).toBe(202);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(first.headers.get('location')).toBe(`/v1/jobs/${first.body.id}`);

    const second = await submit('order-1', body);
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.headers.get('location')).toBe(`/v1/jobs/${first.body.id}`);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body).toMatchObject({ role: 'chat', tier: 1 });

    expect(await countJobRows(platform.env, 'idempotency_key = $1', ['order-1'])).toBe(1);
    expect(await countJobRows(platform.env)).toBe(1);
    const job = await waitForJob(platform.http, key, first.body.id);
    expect(job.status).toBe('completed');
    expect(job.attempts.made).toBe(1);

    // After the job has finished, the key still answers with it.
    const third = await submit('order-1', body);
    expect(third.status).toBe(200);
    expect(third.body).toMatchObject({ id: first.body.id, status: 'completed' });
    expect(await countJobRows(platform.env)).toBe(1);
  });

  it('the same key with a different body → 422 idempotency-key-reused, nothing new', async () => {
    const body = { role: 'chat', tier: 1, input: chatInput('first body') };
    const first = await submit('order-2', body);
    expect(first.status).toBe(202);
    const before = await countJobRows(platform.env);

    const changed = await submit('order-2', { ...body, input: chatInput('second body') });
    expectProblem(changed, 422, 'idempotency-key-reused');
    expect(changed.body.jobId).toBe(first.body.id);
    const otherTier = await submit('order-2', { ...body, tier: 2 });
    expectProblem(otherTier, 422, 'idempotency-key-reused');

    expect(await countJobRows(platform.env)).toBe(before);
    expect(await countJobRows(platform.env, 'idempotency_key = $1', ['order-2'])).toBe(1);
  });

  it('five concurrent submissions with one key: one job, one row, one BullMQ job', async () => {
    const body = { role: 'chat', tier: 2, input: chatInput('raced') };
    const answers = await Promise.all(Array.from({ length: 5 }, () => submit('order-race', body)));
    const ids = new Set(answers.map((a) => a.body.id as string));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 202]);
    for (const answer of answers.filter((a) => a.status === 200)) {
      expect(answer.headers.get('idempotent-replayed')).toBe('true');
    }
    expect(await countJobRows(platform.env, 'idempotency_key = $1', ['order-race'])).toBe(1);
    const job = await waitForJob(platform.http, key, id);
    expect(job.status).toBe('completed');
    expect(job.attempts.made).toBe(1);
    expect(await waitForBullState(platform.env, 'agent.chat.t2', id, 'completed')).toBe(
      'completed',
    );
  });

  it('keys belong to a tenant: another tenant with the same key gets its own job', async () => {
    const other = await createTenant(platform.http, 'idem-other');
    const body = { role: 'chat', tier: 1, input: chatInput('exactly once') };
    const mine = await submit('order-1', body);
    expect(mine.status).toBe(200);
    const theirs = await submit('order-1', body, other.key);
    expect(theirs.status).toBe(202);
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(await countJobRows(platform.env, 'idempotency_key = $1', ['order-1'])).toBe(2);
  });

  it('without a key, the same body twice makes two jobs', async () => {
    const body = { role: 'chat', tier: 1, input: chatInput('no key') };
    const a = await platform.http('POST', '/v1/jobs', { key, body });
    const b = await platform.http('POST', '/v1/jobs', { key, body });
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body.id).not.toBe(b.body.id);
    expect(await countJobRows(platform.env, 'idempotency_key IS NULL')).toBe(2);
  });
});
