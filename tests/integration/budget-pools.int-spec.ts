import {
  BudgetPoolsCache,
  InvalidBudgetPoolError,
  type BudgetAlert,
  type BudgetPoolsRepository,
  type NewBudgetPool,
} from '@switchboard/budget';
import { loadConfig } from '@switchboard/config';
import { InvocationsRepository } from '@switchboard/persistence';
import { randomUUID } from 'node:crypto';
import { createBudgetKit, type BudgetKit } from '../support/budget-kit';

// Budget pool definitions and alert records in PostgreSQL (the repository's rules and the
// schema's own), and the per-tenant pool cache. Every test uses its own tenant.

describe('Budget pools and alert records (PostgreSQL)', () => {
  let kit: BudgetKit;
  let pools: BudgetPoolsRepository;

  beforeAll(async () => {
    kit = await createBudgetKit('budget-pools-int-spec', {}, { sink: false });
    pools = kit.pools;
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    await kit?.close();
  });

  const tenant = () => kit.tenant();
  const apiKey = (tenantId: string) => kit.apiKey(tenantId);

  const pool = (input: Omit<NewBudgetPool, 'period'> & Partial<NewBudgetPool>) =>
    pools.create({ period: input.scope === 'job' ? 'lifetime' : 'daily', ...input });

  describe('pool definitions', () => {
    it('creates, lists, updates and removes pools, as numbers', async () => {
      const tenantId = await tenant();
      const key = await apiKey(tenantId);
      const created = await pools.create({
        tenantId,
        scope: 'api_key',
        apiKeyId: key,
        period: 'weekly',
        limitMicros: 5_000_000_000_000,
        thresholds: [100, 50, 50],
        timezone: 'europe/berlin',
        webhookUrl: 'https://hooks.example.com/budget',
      });
      expect(created).toMatchObject({
        tenantId,
        scope: 'api_key',
        apiKeyId: key,
        period: 'weekly',
        limitMicros: 5_000_000_000_000,
        mode: 'hard',
        thresholds: [50, 100],
        timezone: 'Europe/Berlin',
        webhookUrl: 'https://hooks.example.com/budget',
      });
      expect(created.createdAt).toBeInstanceOf(Date);
      const daily = await pools.create({
        tenantId,
        scope: 'tenant',
        period: 'daily',
        limitMicros: 7,
      });
      expect(daily).toMatchObject({
        thresholds: [80, 90, 95, 100],
        timezone: 'UTC',
        webhookUrl: null,
      });

      expect((await pools.list(tenantId)).map((p) => p.id)).toEqual([created.id, daily.id]);
      expect((await pools.list(tenantId, { scope: 'tenant' })).map((p) => p.id)).toEqual([
        daily.id,
      ]);
      expect((await pools.list(tenantId, { apiKeyId: key })).map((p) => p.id)).toEqual([
        created.id,
      ]);
      expect(await pools.findById(created.id, randomUUID())).toBeNull();
      expect(await pools.findById('not-a-uuid')).toBeNull();
      expect((await pools.listAll()).filter((p) => p.tenantId === tenantId)).toHaveLength(2);

      const updated = await pools.update(daily.id, {
        limitMicros: 9,
        mode: 'soft',
        webhookUrl: null,
      });
      expect(updated).toMatchObject({ limitMicros: 9, mode: 'soft', scope: 'tenant' });
      expect(updated!.updatedAt.getTime()).toBeGreaterThanOrEqual(daily.updatedAt.getTime());
      expect(await pools.update(randomUUID(), { limitMicros: 1 })).toBeNull();
      expect(await pools.remove(daily.id)).toBe(true);
      expect(await pools.remove(daily.id)).toBe(false);
    });

    it('refuses definitions the rules forbid', async () => {
      const tenantId = await tenant();
      const strangersKey = await apiKey(await tenant());
      const bad: [Partial<NewBudgetPool>, string][] = [
        [{ scope: 'api_key' }, 'apiKeyId'],
        [{ scope: 'api_key', apiKeyId: strangersKey }, 'apiKeyId'],
        [{ scope: 'tenant', apiKeyId: strangersKey }, 'apiKeyId'],
        [{ scope: 'job', period: 'daily' }, 'period'],
        [{ limitMicros: -1 }, 'limitMicros'],
        [{ limitMicros: 2 ** 53 }, 'limitMicros'],
        [{ timezone: 'Mars/Olympus' }, 'timezone'],
        [{ thresholds: [0] }, 'thresholds'],
        [{ webhookUrl: 'ftp://example.com' }, 'webhookUrl'],
        [{ mode: 'strict' as never }, 'mode'],
        [{ createdBy: 'tenant', createdByKeyId: 'not-a-key' }, 'createdByKeyId'],
        // Only a pool a tenant's key set names that key.
        [{ createdBy: 'admin', createdByKeyId: strangersKey }, 'createdByKeyId'],
        [{ createdByKeyId: strangersKey }, 'createdByKeyId'],
      ];
      for (const [change, field] of bad) {
        const attempt = pools.create({
          tenantId,
          scope: 'tenant',
          period: 'daily',
          limitMicros: 1,
          ...change,
        });
        await expect(attempt).rejects.toBeInstanceOf(InvalidBudgetPoolError);
        await expect(attempt).rejects.toMatchObject({ field });
      }
      expect(await pools.list(tenantId)).toEqual([]);
    });
  });

  it('records an alert in Postgres once, even when processes race to record it', async () => {
    const tenantId = await tenant();
    const p = await pool({ tenantId, scope: 'tenant', limitMicros: 1000 });
    const alert: BudgetAlert = {
      pool: p,
      periodKey: '2026-11-21',
      jobId: null,
      threshold: 80,
      spentMicros: 812,
      limitMicros: 1000,
    };
    const recorded = await Promise.all(Array.from({ length: 10 }, () => pools.recordAlert(alert)));
    expect(recorded.filter(Boolean)).toHaveLength(1);
    expect(await pools.recordAlert({ ...alert, periodKey: '2026-11-22' })).toBe(true);
    expect(await pools.recordAlert({ ...alert, threshold: 90 })).toBe(true);
    const listed = await pools.listAlerts(tenantId);
    expect(listed.map((a) => [a.periodKey, a.threshold, a.spentMicros])).toEqual([
      ['2026-11-21', 90, 812],
      ['2026-11-22', 80, 812],
      ['2026-11-21', 80, 812],
    ]);
    expect(await pools.listAlerts(tenantId, { poolId: randomUUID() })).toEqual([]);
    await pools.remove(p.id);
    expect(await pools.listAlerts(tenantId)).toEqual([]);
    expect(await pools.recordAlert({ ...alert, threshold: 95 })).toBe(false);
  });

  it('shares one pool load among concurrent calls, and reloads after invalidate', async () => {
    const tenantId = await tenant();
    await pool({ tenantId, scope: 'tenant', limitMicros: 1000 });
    const cached = new BudgetPoolsCache(
      pools,
      loadConfig({ ...kit.env.env, BUDGET_POOL_CACHE_MS: '60000' }),
    );
    const loads = jest.spyOn(pools, 'listForTenant');
    const seen = await Promise.all(Array.from({ length: 50 }, () => cached.forTenant(tenantId)));
    expect(seen.every((p) => p.length === 1)).toBe(true);
    await cached.forTenant(tenantId);
    expect(loads).toHaveBeenCalledTimes(1);
    await pool({ tenantId, scope: 'tenant', limitMicros: 2000 });
    expect(await cached.forTenant(tenantId)).toHaveLength(1); // still trusted
    cached.invalidate(tenantId);
    expect(await cached.forTenant(tenantId)).toHaveLength(2);
    expect(loads).toHaveBeenCalledTimes(2);
  });

  it('records the key that set a pool; once that key is gone, no key is its creator', async () => {
    const tenantId = await tenant();
    const [creator, capped] = [await apiKey(tenantId), await apiKey(tenantId)];
    const set = await pool({
      tenantId,
      scope: 'api_key',
      apiKeyId: capped,
      limitMicros: 5,
      createdBy: 'tenant',
      createdByKeyId: creator,
    });
    expect(set).toMatchObject({ createdBy: 'tenant', createdByKeyId: creator });
    expect(await pools.findById(set.id)).toMatchObject({ createdByKeyId: creator });
    const operators = await pool({ tenantId, scope: 'api_key', apiKeyId: capped, limitMicros: 5 });
    expect(operators).toMatchObject({ createdBy: 'admin', createdByKeyId: null });
    await expect(
      kit.db.query(`UPDATE budget_pools SET created_by_key_id = $1 WHERE id = $2`, [
        creator,
        operators.id,
      ]),
    ).rejects.toThrow(/budget_pools_creator_key_chk/);

    await kit.db.query('DELETE FROM api_keys WHERE id = $1', [creator]);
    expect(await pools.findById(set.id)).toMatchObject({
      createdBy: 'tenant',
      createdByKeyId: null,
    });
  });

  it('enforces the rules in the schema too, and goes with its tenant', async () => {
    const tenantId = await tenant();
    const key = await apiKey(tenantId);
    const insert = (scope: string, apiKeyId: string | null, period: string, limit = 1) =>
      kit.db.query(
        `INSERT INTO budget_pools (id, tenant_id, scope, api_key_id, period, limit_micros, mode)
         VALUES ($1, $2, $3, $4, $5, $6, 'hard')`,
        [randomUUID(), tenantId, scope, apiKeyId, period, limit],
      );
    await expect(insert('api_key', null, 'daily')).rejects.toThrow(
      /budget_pools_api_key_scope_chk/,
    );
    await expect(insert('tenant', key, 'daily')).rejects.toThrow(/budget_pools_tenant_scope_chk/);
    await expect(insert('job', null, 'daily')).rejects.toThrow(/budget_pools_job_lifetime_chk/);
    await expect(insert('tenant', null, 'hourly')).rejects.toThrow(/check constraint/);
    await expect(insert('tenant', null, 'daily', -1)).rejects.toThrow(/check constraint/);
    await insert('job', key, 'lifetime');
    const [row] = await kit.db.query<{ thresholds: number[]; timezone: string }[]>(
      `SELECT thresholds, timezone FROM budget_pools WHERE tenant_id = $1`,
      [tenantId],
    );
    expect(row).toEqual({ thresholds: [80, 90, 95, 100], timezone: 'UTC' });

    await pool({ tenantId, scope: 'api_key', apiKeyId: key, limitMicros: 5 });
    await kit.db.query('DELETE FROM api_keys WHERE id = $1', [key]);
    expect(await pools.list(tenantId)).toEqual([]);
    await pool({ tenantId, scope: 'tenant', limitMicros: 5 });
    await kit.db.query('DELETE FROM tenants WHERE id = $1', [tenantId]);
    expect(await pools.list(tenantId)).toEqual([]);
  });

  it('logs the API key of each LLM call, so key pools reconcile from the log', async () => {
    const tenantId = await tenant();
    const key = await apiKey(tenantId);
    const row = { startedAt: new Date(), tenantId, tier: 1 as const, provider: 'budget-keys' };
    const rest = { model: 'm', callKind: 'chat' as const, attempt: 1, outcome: 'ok' as const };
    await kit.moduleRef.get(InvocationsRepository).insertMany([
      { ...row, ...rest, apiKeyId: key, costMicros: 70, latencyMs: 1 },
      { ...row, ...rest, apiKeyId: 'not-a-uuid', costMicros: 5, latencyMs: 1 },
      { ...row, ...rest, costMicros: 1, latencyMs: 1 },
    ]);
    const rows = await kit.db.query<{ api_key_id: string | null; cost: number }[]>(
      `SELECT api_key_id, cost_micros::int AS cost FROM llm_invocations
        WHERE provider = 'budget-keys' ORDER BY cost_micros DESC`,
    );
    expect(rows).toEqual([
      { api_key_id: key, cost: 70 },
      { api_key_id: null, cost: 5 },
      { api_key_id: null, cost: 1 },
    ]);
  });
});
