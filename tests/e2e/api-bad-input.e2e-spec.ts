import { randomBytes, randomUUID } from 'node:crypto';
import { chatInput, createTenant, waitForJob, type Http } from '../support/http-client';
import { usePlatform } from '../support/platform';
import { expectProblem } from '../support/problem-assert';
import { countJobRows, mailboxJobCounts } from '../support/store-probe';

const ROLES = ['chat', 'planner', 'coder', 'reviewer', 'researcher', 'browser', 'judge'];
const valid = { role: 'chat', tier: 1, input: chatInput('a well-formed request') };

describe('POST /v1/jobs refuses bad requests with problem+json and creates nothing', () => {
  const platform = usePlatform();

  let key: string;
  let otherTenantJobId: string;

  beforeAll(async () => {
    ({ key } = await createTenant(platform.http, 'bad-input'));
    // The only job of this file, owned by another tenant: the control for the row counts.
    const other = await createTenant(platform.http, 'someone-else');
    const submitted = await platform.http('POST', '/v1/jobs', { key: other.key, body: valid });
    expect(submitted.status).toBe(202);
    otherTenantJobId = submitted.body.id;
    await waitForJob(platform.http, other.key, otherTenantJobId);
  });

  const submit = (opts: Parameters<Http>[2]) => platform.http('POST', '/v1/jobs', { key, ...opts });

  it('malformed JSON → 400 malformed-json', async () => {
    const res = await submit({ rawBody: '{"role": "chat", "tier": 1, "input": {' });
    expectProblem(res, 400, 'malformed-json');
    expect(res.body.instance).toBe('/v1/jobs');
  });

  it('a JSON value that is not an object → 422 invalid-input naming the body', async () => {
    const res = await submit({ rawBody: '[1, 2, 3]' });
    expectProblem(res, 422, 'invalid-input');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: '(body)' })]);
  });

  it('unknown role → 400 unknown-role-or-tier listing every role', async () => {
    const res = await submit({ body: { ...valid, role: 'poet' } });
    expectProblem(res, 400, 'unknown-role-or-tier');
    expect(res.body.detail).toContain('poet');
    expect([...res.body.validRoles].sort()).toEqual([...ROLES].sort());
    expect(res.body.validTiers).toEqual([0, 1, 2, 3]);
  });

  it('missing role → 400 unknown-role-or-tier', async () => {
    const res = await submit({ body: { tier: 1, input: chatInput() } });
    expectProblem(res, 400, 'unknown-role-or-tier');
    expect(res.body.validRoles).toHaveLength(7);
  });

  it.each([9, -1, '1', 1.5, null])('unknown tier %p → 400 listing validTiers', async (tier) => {
    const res = await submit({ body: { ...valid, tier } });
    expectProblem(res, 400, 'unknown-role-or-tier');
    expect(res.body.validTiers).toEqual([0, 1, 2, 3]);
    expect(res.body.detail).toMatch(/tier/i);
  });

  it('input failing the role schema → 422 invalid-input naming each field', async () => {
    const empty = await submit({ body: { role: 'chat', tier: 1, input: { messages: [] } } });
    expectProblem(empty, 422, 'invalid-input');
    expect(empty.body.errors).toEqual([{ field: 'input.messages', message: expect.any(String) }]);
    expect(empty.body.detail).toContain('input.messages');

    const several = await submit({
      body: {
        role: 'chat',
        tier: 1,
        priority: 0,
        input: {
          messages: [
            { role: 'robot', content: 'hi' },
            { role: 'user', content: '' },
            { role: 'tool', content: 'result' },
          ],
          temperature: 7,
        },
      },
    });
    expectProblem(several, 422, 'invalid-input');
    const fields = several.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'priority',
        'input.messages.0.role',
        'input.messages.1.content',
        'input.messages.2.toolCallId',
        'input.temperature',
      ]),
    );
  });

  it('a field of another role or an unknown envelope field → 422', async () => {
    const res = await submit({ body: { ...valid, input: { task: 'write code' }, colour: 'red' } });
    expectProblem(res, 422, 'invalid-input');
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['input.messages']));
    expect(JSON.stringify(res.body.errors)).toContain('colour');
  });

  it('a body over 1 MiB → 413 payload-too-large', async () => {
    const huge = chatInput('x'.repeat(1024 * 1024 + 10));
    const res = await submit({ body: { role: 'chat', tier: 1, input: huge } });
    expectProblem(res, 413, 'payload-too-large');
  });

  it('a non-JSON content type → 415 unsupported-media-type', async () => {
    const plain = await submit({
      rawBody: JSON.stringify(valid),
      headers: { 'content-type': 'text/plain' },
    });
    expectProblem(plain, 415, 'unsupported-media-type');
    const form = await submit({
      rawBody: 'role=chat&tier=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectProblem(form, 415, 'unsupported-media-type');
    const utf16 = await submit({
      rawBody: JSON.stringify(valid),
      headers: { 'content-type': 'application/json; charset=iso-8859-1' },
    });
    expectProblem(utf16, 415, 'unsupported-media-type');
  });

  it('no API key → 401 missing-api-key with a challenge', async () => {
    const res = await platform.http('POST', '/v1/jobs', { body: valid });
    expectProblem(res, 401, 'missing-api-key');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('an unknown or garbled API key → 401 invalid-api-key', async () => {
    const unknown = `sb_${randomBytes(32).toString('base64url')}`;
    for (const bad of [unknown, 'not-a-key', `${key}x`]) {
      const res = await platform.http('POST', '/v1/jobs', { key: bad, body: valid });
      expectProblem(res, 401, 'invalid-api-key');
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('a revoked API key → 401 invalid-api-key at once', async () => {
    const tenant = await createTenant(platform.http, 'revoked');
    expect((await platform.http('GET', '/v1/jobs', { key: tenant.key })).status).toBe(200);
    const revoked = await platform.http('POST', `/v1/admin/keys/${tenant.keyId}/revoke`, {
      admin: true,
    });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    const res = await platform.http('POST', '/v1/jobs', { key: tenant.key, body: valid });
    expectProblem(res, 401, 'invalid-api-key');
    expectProblem(
      await platform.http('GET', '/v1/jobs', { key: tenant.key }),
      401,
      'invalid-api-key',
    );
  });

  it("someone else's job, or no job at all → 404 not-found", async () => {
    for (const id of [otherTenantJobId, randomUUID(), 'not-a-uuid']) {
      const res = await platform.http('GET', `/v1/jobs/${id}`, { key });
      expectProblem(res, 404, 'not-found');
      expect(JSON.stringify(res.body)).not.toContain('Simulated');
    }
  });

  it.each([
    ['300 characters', 'k'.repeat(300)],
    ['empty', ''],
    ['an inner space', 'has space'],
    ['a non-ASCII character', 'cl\u00e9'],
  ])('an invalid Idempotency-Key (%s) → 400 invalid-idempotency-key', async (_what, value) => {
    const res = await submit({ body: valid, headers: { 'idempotency-key': value } });
    expectProblem(res, 400, 'invalid-idempotency-key');
  });

  it('left no job row and no BullMQ job behind', async () => {
    // Only the other tenant's control job exists, in the database and in its mailbox.
    expect(await countJobRows(platform.env)).toBe(1);
    expect(await countJobRows(platform.env, 'id <> $1', [otherTenantJobId])).toBe(0);
    expect(await mailboxJobCounts(platform.env)).toEqual({ 'agent.chat.t1': 1 });
  });
});
