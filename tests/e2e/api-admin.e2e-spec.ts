import { randomUUID } from 'node:crypto';
import { createTenant, type Http } from '../support/http-client';
import { usePlatform } from '../support/platform';
import { expectProblem } from '../support/problem-assert';
import { queryEnv } from '../support/store-probe';
import { TEST_ADMIN_TOKEN } from '../support/test-env';

const ROLES = ['chat', 'planner', 'coder', 'reviewer', 'researcher', 'browser', 'judge'];
const MAILBOXES = ROLES.flatMap((role) => [0, 1, 2, 3].map((tier) => `agent.${role}.t${tier}`));
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('the admin API and Bull Board', () => {
  const platform = usePlatform();

  const expectAdminRefusal = (res: Awaited<ReturnType<Http>>) => {
    expectProblem(res, 401, 'admin-credential-required');
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
  };

  describe('/v1/admin/*', () => {
    it.each([
      ['no credential', {}],
      ['a wrong bearer token', { authorization: 'Bearer wrong-token' }],
      ['a wrong Basic password', { authorization: basic('admin', 'wrong') }],
      ['an empty Basic password', { authorization: basic('admin', '') }],
      ['an unknown scheme', { authorization: `Token ${TEST_ADMIN_TOKEN}` }],
    ])('refuses %s: 401 problem+json with WWW-Authenticate', async (_what, headers) => {
      expectAdminRefusal(await platform.http('GET', '/v1/admin/tenants', { headers }));
      const create = await platform.http('POST', '/v1/admin/tenants', {
        headers,
        body: { name: 'sneaky' },
      });
      expectAdminRefusal(create);
    });

    it('refuses a tenant API key as admin credential', async () => {
      const { key, keyId } = await createTenant(platform.http, 'not-an-admin');
      expectAdminRefusal(await platform.http('GET', '/v1/admin/tenants', { key }));
      expectAdminRefusal(await platform.http('POST', `/v1/admin/keys/${keyId}/revoke`, { key }));
    });

    it('nothing was created by the refused calls', async () => {
      const rows = await queryEnv<{ name: string }>(platform.env, 'SELECT name FROM tenants');
      expect(rows.map((r) => r.name)).not.toContain('sneaky');
    });

    it('accepts the token as Bearer or as the Basic password', async () => {
      expect((await platform.http('GET', '/v1/admin/tenants', { admin: true })).status).toBe(200);
      const viaBasic = await platform.http('GET', '/v1/admin/tenants', {
        headers: { authorization: basic('anyone', TEST_ADMIN_TOKEN) },
      });
      expect(viaBasic.status).toBe(200);
      expect(viaBasic.body).toEqual(expect.any(Array));
    });

    it('creates a tenant (201) and refuses a duplicate name (409 tenant-exists)', async () => {
      const created = await platform.http('POST', '/v1/admin/tenants', {
        admin: true,
        body: { name: 'acme' },
      });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'acme',
        createdAt: expect.any(String),
      });
      const dup = await platform.http('POST', '/v1/admin/tenants', {
        admin: true,
        body: { name: 'acme' },
      });
      expectProblem(dup, 409, 'tenant-exists');
      expect(dup.body.detail).toContain('acme');
      const listed = await platform.http('GET', '/v1/admin/tenants', { admin: true });
      expect(listed.body.filter((t: { name: string }) => t.name === 'acme')).toHaveLength(1);
    });

    it.each(['Bad Name', 'UPPER', '-leading-dash', '', 'x'.repeat(101), 'semi;colon'])(
      'refuses the tenant name %p: 400 invalid-tenant-name',
      async (name) => {
        const res = await platform.http('POST', '/v1/admin/tenants', {
          admin: true,
          body: { name },
        });
        expectProblem(res, 400, 'invalid-tenant-name');
      },
    );

    it('refuses a bad key name: 400 invalid-api-key-name', async () => {
      const { tenantId } = await createTenant(platform.http, 'key-names');
      for (const name of ['', '   ', 'k'.repeat(101), 'tab\there']) {
        const res = await platform.http('POST', `/v1/admin/tenants/${tenantId}/keys`, {
          admin: true,
          body: { name },
        });
        expectProblem(res, 400, 'invalid-api-key-name');
      }
    });

    it('refuses a body without a name (422) and malformed JSON (400)', async () => {
      expectProblem(
        await platform.http('POST', '/v1/admin/tenants', { admin: true, body: {} }),
        422,
        'invalid-input',
      );
      const notString = await platform.http('POST', '/v1/admin/tenants', {
        admin: true,
        body: { name: 7 },
      });
      expectProblem(notString, 422, 'invalid-input');
      const extra = await platform.http('POST', '/v1/admin/tenants', {
        admin: true,
        body: { name: 'ok', x: 1 },
      });
      expectProblem(extra, 422, 'invalid-input');
      const malformed = await platform.http('POST', '/v1/admin/tenants', {
        admin: true,
        rawBody: '{"name": ',
      });
      expectProblem(malformed, 400, 'malformed-json');
    });

    it('creates keys for known tenants only (404 tenant-not-found otherwise)', async () => {
      for (const tenantId of [randomUUID(), 'not-a-uuid']) {
        const res = await platform.http('POST', `/v1/admin/tenants/${tenantId}/keys`, {
          admin: true,
          body: { name: 'k' },
        });
        expectProblem(res, 404, 'tenant-not-found');
      }
      const missing = await platform.http('GET', `/v1/admin/tenants/${randomUUID()}/keys`, {
        admin: true,
      });
      expectProblem(missing, 404, 'tenant-not-found');
    });

    it('shows a key once, lists keys without secrets, and revokes unknown keys with 404', async () => {
      const { tenantId, key, keyId } = await createTenant(platform.http, 'key-owner');
      expect(key).toMatch(/^sb_/);
      const listed = await platform.http('GET', `/v1/admin/tenants/${tenantId}/keys`, {
        admin: true,
      });
      expect(listed.status).toBe(200);
      expect(listed.body).toEqual([expect.objectContaining({ id: keyId, revokedAt: null })]);
      expect(JSON.stringify(listed.body)).not.toContain(key);
      expect(listed.body[0]).not.toHaveProperty('keyHash');
      const unknown = await platform.http('POST', `/v1/admin/keys/${randomUUID()}/revoke`, {
        admin: true,
      });
      expectProblem(unknown, 404, 'api-key-not-found');
    });
  });

  describe('Bull Board at /admin/queues', () => {
    const board = (path: string, headers: Record<string, string> = {}) =>
      fetch(`http://127.0.0.1:${platform.env.env.API_PORT}/admin/queues${path}`, { headers });

    it.each([
      ['no credential', {}],
      ['a wrong password', { authorization: basic('admin', 'wrong') }],
    ])('refuses %s: 401 problem+json with a Basic challenge', async (_what, headers) => {
      for (const path of ['', '/api/queues']) {
        const res = await board(path, headers);
        expect(res.status).toBe(401);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
        const body = (await res.json()) as { code: string; status: number };
        expect(body).toMatchObject({ code: 'admin-credential-required', status: 401 });
      }
    });

    it('serves the board HTML with Basic admin:<ADMIN_TOKEN>', async () => {
      const res = await board('', { authorization: basic('admin', TEST_ADMIN_TOKEN) });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toMatch(/<html[\s\S]*Switchboard/i);
    });

    it('lists all 28 mailboxes through its API', async () => {
      const res = await board('/api/queues', { authorization: basic('admin', TEST_ADMIN_TOKEN) });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { queues: { name: string }[] };
      const names = body.queues.map((q) => q.name);
      expect(names).toHaveLength(28);
      expect([...names].sort()).toEqual([...MAILBOXES].sort());
    });
  });
});
