import { randomUUID } from 'node:crypto';
import { chatInput, createTenant, type Http } from '../support/http-client';
import { usePlatform } from '../support/platform';
import { expectProblem } from '../support/problem-assert';
import { countJobRows } from '../support/store-probe';

// Budget pools over HTTP: the admin token manages any pool, an API key only the api_key pools
// of its own tenant's keys; another tenant's pool or key is a 404. Bad input is refused with
// field errors, and a job is refused with 402 before anything is written when a hard pool is
// already spent (a limit of 0 is spent from the start). No BUDGET_WEBHOOK_SECRET here.

type Tenant = Awaited<ReturnType<typeof createTenant>>;
const DAILY_50 = { scope: 'tenant', period: 'daily', limitMicros: 50_000_000 };
const JOB = { role: 'chat', tier: 1, input: chatInput('budgeted') };

describe('budget pools API', () => {
  const platform = usePlatform({ BUDGET_POOL_CACHE_MS: '0' });
  let a: Tenant;
  let b: Tenant;

  const admin = (method: string, path: string, body?: unknown) =>
    platform.http(method, path, { admin: true, body });
  const as = (t: { key: string }) => (method: string, path: string, body?: unknown) =>
    platform.http(method, path, { key: t.key, body });
  const secondKey = async (t: Tenant, name = 'second') => {
    const res = await admin('POST', `/v1/admin/tenants/${t.tenantId}/keys`, { name });
    return { key: res.body.key as string, keyId: res.body.id as string };
  };

  beforeAll(async () => {
    a = await createTenant(platform.http, 'budget-a');
    b = await createTenant(platform.http, 'budget-b');
  });

  describe('as the admin', () => {
    it('creates, reads, lists, changes and deletes a tenant pool; amounts carry dollars', async () => {
      const created = await admin('POST', '/v1/budgets', { ...DAILY_50, tenantId: a.tenantId });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        id: expect.any(String),
        tenantId: a.tenantId,
        scope: 'tenant',
        apiKeyId: null,
        period: 'daily',
        limitMicros: 50_000_000,
        limit: '50.000000',
        mode: 'hard',
        thresholds: [80, 90, 95, 100],
        timezone: 'UTC',
        webhookUrl: null,
      });
      const id = created.body.id;
      expect((await admin('GET', `/v1/budgets/${id}`)).body).toEqual(created.body);
      const list = await admin('GET', `/v1/budgets?tenantId=${a.tenantId}`);
      expect(list.body.data.map((p: { id: string }) => p.id)).toContain(id);

      const patched = await admin('PATCH', `/v1/budgets/${id}`, {
        limitMicros: 1_000_000_000,
        mode: 'soft',
        thresholds: [50, 100],
        timezone: 'europe/paris',
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({
        limit: '1000.000000',
        mode: 'soft',
        thresholds: [50, 100],
        timezone: 'Europe/Paris',
      });

      expect((await admin('DELETE', `/v1/budgets/${id}`)).status).toBe(204);
      expectProblem(await admin('GET', `/v1/budgets/${id}`), 404, 'not-found');
    });

    it('must name the tenant, and an existing one', async () => {
      const res = await admin('GET', '/v1/budgets');
      expectProblem(res, 400, 'invalid-query');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'tenantId' })]);
      expectProblem(await admin('POST', '/v1/budgets', DAILY_50), 422, 'invalid-input');
      const ghost = { ...DAILY_50, tenantId: randomUUID() };
      expectProblem(await admin('POST', '/v1/budgets', ghost), 404, 'tenant-not-found');
    });

    it('creates job pools (lifetime only) and key pools for keys of that tenant only', async () => {
      const job = { scope: 'job', period: 'lifetime', limitMicros: 500_000, tenantId: a.tenantId };
      expect((await admin('POST', '/v1/budgets', job)).status).toBe(201);
      const daily = await admin('POST', '/v1/budgets', { ...job, period: 'daily' });
      expectProblem(daily, 422, 'invalid-input');
      expect(daily.body.errors).toEqual([expect.objectContaining({ field: 'period' })]);
      const wrongKey = { ...DAILY_50, scope: 'api_key', apiKeyId: b.keyId, tenantId: a.tenantId };
      expectProblem(await admin('POST', '/v1/budgets', wrongKey), 404, 'api-key-not-found');
    });
  });

  describe('as a tenant API key', () => {
    it('manages api_key pools of its own keys, sees its tenant pools, cannot touch them', async () => {
      const other = await secondKey(a);
      const mine = await as(a)('POST', '/v1/budgets', {
        scope: 'api_key',
        apiKeyId: other.keyId,
        period: 'monthly',
        limitMicros: 5_000_000,
      });
      expect(mine.status).toBe(201);
      expect(mine.body).toMatchObject({ tenantId: a.tenantId, apiKeyId: other.keyId });
      const operator = await admin('POST', '/v1/budgets', { ...DAILY_50, tenantId: a.tenantId });

      const list = await as(a)('GET', '/v1/budgets');
      const ids = list.body.data.map((p: { id: string }) => p.id);
      expect(ids).toEqual(expect.arrayContaining([mine.body.id, operator.body.id]));
      expect((await as(a)('GET', `/v1/budgets/${operator.body.id}`)).status).toBe(200);

      const change = { limitMicros: 1 };
      const forbidden = await as(a)('PATCH', `/v1/budgets/${operator.body.id}`, change);
      expectProblem(forbidden, 403, 'budget-forbidden');
      expectProblem(
        await as(a)('DELETE', `/v1/budgets/${operator.body.id}`),
        403,
        'budget-forbidden',
      );
      expect((await as(a)('PATCH', `/v1/budgets/${mine.body.id}`, change)).body.limitMicros).toBe(
        1,
      );
      expect((await as(a)('DELETE', `/v1/budgets/${mine.body.id}`)).status).toBe(204);

      // A key limit the operator set is not the tenant's to raise or remove.
      const capped = await admin('POST', '/v1/budgets', {
        scope: 'api_key',
        tenantId: a.tenantId,
        apiKeyId: other.keyId,
        period: 'daily',
        limitMicros: 5_000_000,
      });
      expect(capped.body).toMatchObject({ createdBy: 'admin', createdByKeyId: null });
      expect(mine.body).toMatchObject({ createdBy: 'tenant', createdByKeyId: a.keyId });
      const raise = { limitMicros: 500_000_000 };
      expectProblem(
        await as(a)('PATCH', `/v1/budgets/${capped.body.id}`, raise),
        403,
        'budget-forbidden',
      );
      expectProblem(
        await as(a)('DELETE', `/v1/budgets/${capped.body.id}`),
        403,
        'budget-forbidden',
      );
      expect((await admin('PATCH', `/v1/budgets/${capped.body.id}`, raise)).status).toBe(200);
    });

    it('a key changes only the key pools it created: another key of its tenant gets 403', async () => {
      const second = await secondKey(a, 'second-creator');
      const monthly = { scope: 'api_key', period: 'monthly', limitMicros: 7_000_000 };
      // The first key caps the second key, and itself; the second key caps itself.
      const onSecond = await as(a)('POST', '/v1/budgets', { ...monthly, apiKeyId: second.keyId });
      const onFirst = await as(a)('POST', '/v1/budgets', { ...monthly, apiKeyId: a.keyId });
      const secondOwn = await as(second)('POST', '/v1/budgets', {
        ...monthly,
        apiKeyId: second.keyId,
      });
      for (const res of [onSecond, onFirst]) {
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ createdBy: 'tenant', createdByKeyId: a.keyId });
      }
      expect(secondOwn.body).toMatchObject({ createdBy: 'tenant', createdByKeyId: second.keyId });

      // The second key sees the first key's pools, but may not raise, replace or remove them.
      for (const pool of [onSecond.body, onFirst.body]) {
        const path = `/v1/budgets/${pool.id}`;
        expect((await as(second)('GET', path)).body).toEqual(pool);
        const raise = await as(second)('PATCH', path, { limitMicros: 900_000_000, mode: 'soft' });
        expectProblem(raise, 403, 'budget-forbidden');
        expect(raise.body.detail).toMatch(/another API key/);
        const put = await as(second)('PUT', path, { ...monthly, limitMicros: 900_000_000 });
        expect(put.status).toBeGreaterThanOrEqual(400);
        expect(put.status).toBeLessThan(500);
        expectProblem(await as(second)('DELETE', path), 403, 'budget-forbidden');
        expect(await admin('GET', path)).toMatchObject({ status: 200, body: pool });
      }
      // Nor the other way round; each key keeps its own.
      const mine = `/v1/budgets/${secondOwn.body.id}`;
      expectProblem(await as(a)('PATCH', mine, { limitMicros: 1 }), 403, 'budget-forbidden');
      expectProblem(await as(a)('DELETE', mine), 403, 'budget-forbidden');
      expect((await as(second)('PATCH', mine, { limitMicros: 1 })).body.limitMicros).toBe(1);
      expect((await as(second)('DELETE', mine)).status).toBe(204);
      const firstOwn = `/v1/budgets/${onFirst.body.id}`;
      expect((await as(a)('PATCH', firstOwn, { limitMicros: 2 })).body.limitMicros).toBe(2);
      expect((await as(a)('DELETE', firstOwn)).status).toBe(204);
      // The operator changes any of them.
      const onSecondPath = `/v1/budgets/${onSecond.body.id}`;
      expect((await admin('PATCH', onSecondPath, { limitMicros: 3 })).body.limitMicros).toBe(3);
      expect((await admin('DELETE', onSecondPath)).status).toBe(204);
    });

    it('may not create tenant or job pools (403), nor act for another tenant', async () => {
      expectProblem(await as(a)('POST', '/v1/budgets', DAILY_50), 403, 'budget-forbidden');
      const job = { scope: 'job', period: 'lifetime', limitMicros: 1 };
      expectProblem(await as(a)('POST', '/v1/budgets', job), 403, 'budget-forbidden');
      const forB = { ...DAILY_50, scope: 'api_key', apiKeyId: a.keyId, tenantId: b.tenantId };
      expectProblem(await as(a)('POST', '/v1/budgets', forB), 403, 'budget-forbidden');
      const listB = await as(a)('GET', `/v1/budgets?tenantId=${b.tenantId}`);
      expectProblem(listB, 403, 'budget-forbidden');
    });

    it("another tenant's pool is 404 on get, patch and delete; its key is 404 too", async () => {
      const pool = await admin('POST', '/v1/budgets', { ...DAILY_50, tenantId: b.tenantId });
      const path = `/v1/budgets/${pool.body.id}`;
      expectProblem(await as(a)('GET', path), 404, 'not-found');
      expectProblem(await as(a)('PATCH', path, { limitMicros: 0 }), 404, 'not-found');
      expectProblem(await as(a)('DELETE', path), 404, 'not-found');
      expect((await admin('GET', path)).body.limitMicros).toBe(50_000_000);
      const theirKey = { scope: 'api_key', apiKeyId: b.keyId, period: 'daily', limitMicros: 1 };
      expectProblem(await as(a)('POST', '/v1/budgets', theirKey), 404, 'api-key-not-found');
      expectProblem(await as(a)('GET', `/v1/budgets/${randomUUID()}`), 404, 'not-found');
      expectProblem(await as(a)('GET', '/v1/budgets/not-a-uuid'), 404, 'not-found');
    });

    it('status: every pool in its current period, amounts in micros and dollars', async () => {
      const t = await createTenant(platform.http, 'budget-status');
      await admin('POST', '/v1/budgets', { ...DAILY_50, tenantId: t.tenantId });
      const monthly = {
        scope: 'api_key',
        apiKeyId: t.keyId,
        period: 'monthly',
        limitMicros: 1_234_567,
      };
      await as(t)('POST', '/v1/budgets', monthly);
      const res = await as(t)('GET', '/v1/budgets/status');
      expect(res.status).toBe(200);
      const today = new Date().toISOString().slice(0, 10);
      const daily = res.body.data.find((s: any) => s.pool.period === 'daily');
      expect(daily).toMatchObject({
        pool: { scope: 'tenant', tenantId: t.tenantId, limit: '50.000000' },
        periodKey: today,
        periodStart: `${today}T00:00:00.000Z`,
        resetsAt: expect.stringMatching(/T00:00:00\.000Z$/),
        limitMicros: 50_000_000,
        limit: '50.000000',
        spentMicros: 0,
        spent: '0.000000',
        reservedMicros: 0,
        reserved: '0.000000',
        remainingMicros: 50_000_000,
        remaining: '50.000000',
      });
      const month = res.body.data.find((s: any) => s.pool.period === 'monthly');
      expect(month).toMatchObject({ periodKey: today.slice(0, 7), limit: '1.234567' });
      const byAdmin = await admin('GET', `/v1/budgets/status?tenantId=${t.tenantId}`);
      expect(byAdmin.body.data).toHaveLength(2);
      expectProblem(await as(t)('GET', '/v1/budgets/status?colour=red'), 400, 'invalid-query');
    });
  });

  describe('bad input', () => {
    const create = (body: unknown) => admin('POST', '/v1/budgets', body);
    const valid = () => ({ ...DAILY_50, tenantId: a.tenantId });
    const fieldsOf = (res: { body: { errors: { field: string }[] } }) =>
      res.body.errors.map((e) => e.field);

    it.each([
      ['a negative amount', { limitMicros: -1 }, 'limitMicros'],
      ['a fractional amount', { limitMicros: 1.5 }, 'limitMicros'],
      ['an amount as a string', { limitMicros: '100' }, 'limitMicros'],
      ['an absurd amount', { limitMicros: 1e18 }, 'limitMicros'],
      ['an unknown period', { period: 'yearly' }, 'period'],
      ['an unknown scope', { scope: 'planet' }, 'scope'],
      ['an unknown mode', { mode: 'strict' }, 'mode'],
      ['an unknown time zone', { timezone: 'Mars/Olympus_Mons' }, 'timezone'],
      ['a threshold of 0', { thresholds: [0, 50] }, 'thresholds.0'],
      ['a threshold over 100', { thresholds: [50, 101] }, 'thresholds.1'],
      ['thresholds not ascending', { thresholds: [90, 80] }, 'thresholds'],
      ['a webhook that is not http(s)', { webhookUrl: 'ftp://example.com/x' }, 'webhookUrl'],
      ['an unknown field', { colour: 'red' }, 'colour'],
    ])('%s → 422 invalid-input naming the field', async (_what, change, field) => {
      const res = await create({ ...valid(), ...change });
      expectProblem(res, 422, 'invalid-input');
      expect(fieldsOf(res)).toContain(field);
    });

    it('a patch with bad or no fields → 422; a webhook without a signing secret → 422', async () => {
      const pool = await create(valid());
      const path = `/v1/budgets/${pool.body.id}`;
      expectProblem(await admin('PATCH', path, { limitMicros: -5 }), 422, 'invalid-input');
      expectProblem(await admin('PATCH', path, { period: 'weekly' }), 422, 'invalid-input');
      expectProblem(await admin('PATCH', path, {}), 422, 'invalid-input');
      const hook = { webhookUrl: 'https://hooks.example.com/budget' };
      const res = await admin('PATCH', path, hook);
      expectProblem(res, 422, 'webhook-secret-missing');
      expect(res.body.detail).toContain('BUDGET_WEBHOOK_SECRET');
      expectProblem(await create({ ...valid(), ...hook }), 422, 'webhook-secret-missing');
    });

    it('malformed JSON → 400, over the body limit → 413, no credentials → 401', async () => {
      const malformed = await platform.http('POST', '/v1/budgets', {
        admin: true,
        rawBody: '{"scope": "tenant",',
      });
      expectProblem(malformed, 400, 'malformed-json');
      const huge = { ...valid(), webhookUrl: `https://x.example/${'a'.repeat(1024 * 1024)}` };
      expectProblem(await create(huge), 413, 'payload-too-large');
      expectProblem(await platform.http('GET', '/v1/budgets'), 401, 'missing-api-key');
      expectProblem(await platform.http('POST', '/v1/budgets', { body: valid() }), 401);
      const wrong = await platform.http('GET', '/v1/budgets', { key: `sb_${'x'.repeat(43)}` });
      expectProblem(wrong, 401, 'invalid-api-key');
    });
  });

  describe('POST /v1/jobs with a spent hard budget', () => {
    const submit = (http: Http, key: string, headers?: Record<string, string>) =>
      http('POST', '/v1/jobs', { key, body: JOB, headers });

    it('→ 402 budget-exhausted naming the pool, and no job is created', async () => {
      const t = await createTenant(platform.http, 'budget-spent');
      const pool = await admin('POST', '/v1/budgets', {
        scope: 'tenant',
        tenantId: t.tenantId,
        period: 'daily',
        limitMicros: 0,
      });
      const res = await submit(platform.http, t.key);
      expectProblem(res, 402, 'budget-exhausted');
      expect(res.body).toMatchObject({
        poolId: pool.body.id,
        scope: 'tenant',
        period: 'daily',
        limitMicros: 0,
        limit: '0.000000',
        spentMicros: 0,
        resetsAt: expect.stringMatching(/T00:00:00\.000Z$/),
      });
      expect(await countJobRows(platform.env, 'tenant_id = $1', [t.tenantId])).toBe(0);

      // Soft pools only alert; deleting the hard one lets jobs in again.
      await admin('PATCH', `/v1/budgets/${pool.body.id}`, { mode: 'soft' });
      expect((await submit(platform.http, t.key)).status).toBe(202);
      await admin('PATCH', `/v1/budgets/${pool.body.id}`, { mode: 'hard' });
      expectProblem(await submit(platform.http, t.key), 402, 'budget-exhausted');
      await admin('DELETE', `/v1/budgets/${pool.body.id}`);
      expect((await submit(platform.http, t.key)).status).toBe(202);
    });

    it("a spent key pool refuses that key's jobs only; an idempotent replay still answers", async () => {
      const t = await createTenant(platform.http, 'budget-key-spent');
      const capped = await secondKey(t, 'capped');
      const replayed = await submit(platform.http, capped.key, { 'Idempotency-Key': 'once' });
      expect(replayed.status).toBe(202);
      await as(t)('POST', '/v1/budgets', {
        scope: 'api_key',
        apiKeyId: capped.keyId,
        period: 'lifetime',
        limitMicros: 0,
      });
      const refused = await submit(platform.http, capped.key);
      expectProblem(refused, 402, 'budget-exhausted');
      expect(refused.body).toMatchObject({ scope: 'api_key', period: 'lifetime', resetsAt: null });
      expect((await submit(platform.http, t.key)).status).toBe(202);
      const again = await submit(platform.http, capped.key, { 'Idempotency-Key': 'once' });
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(replayed.body.id);
      expect(await countJobRows(platform.env, 'tenant_id = $1', [t.tenantId])).toBe(2);
    });
  });
});
