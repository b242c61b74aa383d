import {
  BudgetPoolsCache,
  type BudgetAlert,
  type BudgetPoolsRepository,
} from '@switchboard/budget';
import { loadConfig } from '@switchboard/config';
import { randomUUID } from 'node:crypto';
import { createBudgetKit, type BudgetKit } from '../support/budget-kit';

// The pool repository and the pool cache at their edges, in PostgreSQL: ids that cannot be
// ids, patches that change nothing, alert listings filtered and bounded, a cache switched off,
// and an edit that lands while a load is in flight.

describe('Budget pools: edges (PostgreSQL)', () => {
  let kit: BudgetKit;
  let pools: BudgetPoolsRepository;

  beforeAll(async () => {
    kit = await createBudgetKit('budget-pools-edges-int-spec', {}, { sink: false });
    pools = kit.pools;
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    await kit?.close();
  });

  const tenantPool = (tenantId: string, limitMicros = 1_000) =>
    pools.create({ tenantId, scope: 'tenant', period: 'daily', limitMicros });

  describe('repository', () => {
    it('answers lookups by malformed ids with nothing, without asking Postgres to parse them', async () => {
      const tenantId = await kit.tenant();
      const p = await tenantPool(tenantId);
      expect(await pools.list("' OR 1=1 --")).toEqual([]);
      expect(await pools.list(tenantId, { apiKeyId: 'key-1' })).toEqual([]);
      expect(await pools.update('not-a-uuid', { limitMicros: 5 })).toBeNull();
      expect(await pools.remove('not-a-uuid')).toBe(false);
      expect(await pools.listAlerts('not-a-uuid')).toEqual([]);
      expect(await pools.listAlerts(tenantId, { poolId: 'not-a-uuid' })).toEqual([]);
      // The pool is untouched by any of it.
      expect(await pools.findById(p.id)).toMatchObject({ limitMicros: 1_000 });
    });

    it('returns a pool as it is for an empty patch, and null for an unknown one', async () => {
      const tenantId = await kit.tenant();
      const p = await tenantPool(tenantId);
      expect(await pools.update(p.id, {})).toEqual(p);
      expect(await pools.update(randomUUID(), {})).toBeNull();
    });

    it("finds a tenant's pool only with that tenant", async () => {
      const [owner, other] = [await kit.tenant(), await kit.tenant()];
      const p = await tenantPool(owner);
      expect((await pools.findById(p.id, owner))?.id).toBe(p.id);
      expect(await pools.findById(p.id, other)).toBeNull();
    });

    it("lists a pool's alerts, newest first, at least 1 and at most 1,000 at a time", async () => {
      const tenantId = await kit.tenant();
      const [a, b] = [await tenantPool(tenantId), await tenantPool(tenantId)];
      const alert = (pool: typeof a, threshold: number): BudgetAlert => ({
        pool,
        periodKey: '2026-03-12',
        jobId: null,
        threshold,
        spentMicros: threshold * 10,
        limitMicros: 1_000,
      });
      for (const threshold of [80, 90, 95])
        expect(await pools.recordAlert(alert(a, threshold))).toBe(true);
      expect(await pools.recordAlert(alert(b, 80))).toBe(true);

      const ofA = await pools.listAlerts(tenantId, { poolId: a.id });
      expect(ofA.map((r) => [r.poolId, r.threshold])).toEqual([
        [a.id, 95],
        [a.id, 90],
        [a.id, 80],
      ]);
      expect(ofA[0]).toMatchObject({ tenantId, periodKey: '2026-03-12', spentMicros: 950 });
      expect(typeof ofA[0].id).toBe('number');
      expect(await pools.listAlerts(tenantId, { limit: 2 })).toHaveLength(2);
      expect(await pools.listAlerts(tenantId, { limit: 0 })).toHaveLength(1);
      expect(await pools.listAlerts(tenantId, { limit: -5 })).toHaveLength(1);
      expect(await pools.listAlerts(tenantId, { limit: 1e9 })).toHaveLength(4);
    });
  });

  describe('cache', () => {
    const cacheWith = (ms: string) =>
      new BudgetPoolsCache(pools, loadConfig({ ...kit.env.env, BUDGET_POOL_CACHE_MS: ms }));

    it('reads Postgres for every call when caching is off', async () => {
      const tenantId = await kit.tenant();
      const cache = cacheWith('0');
      const loads = jest.spyOn(pools, 'listForTenant');
      expect(await cache.forTenant(tenantId)).toEqual([]);
      await tenantPool(tenantId);
      expect(await cache.forTenant(tenantId)).toHaveLength(1);
      expect(loads).toHaveBeenCalledTimes(2);
    });

    it('does not keep what a load read when the pools were edited while it ran', async () => {
      const tenantId = await kit.tenant();
      await tenantPool(tenantId);
      const cache = cacheWith('60000');
      const inFlight = cache.forTenant(tenantId);
      // An edit invalidates the tenant while that load is still under way.
      cache.invalidate(tenantId);
      expect(await inFlight).toHaveLength(1);
      // Another pool appears without an invalidation: only an uncached read can see it.
      await tenantPool(tenantId, 2_000);
      expect(await cache.forTenant(tenantId)).toHaveLength(2);
      // That later load is kept.
      await tenantPool(tenantId, 3_000);
      expect(await cache.forTenant(tenantId)).toHaveLength(2);
    });

    it("serves a subject only the pools that apply to it, from the tenant's cached list", async () => {
      const tenantId = await kit.tenant();
      const [k1, k2] = [await kit.apiKey(tenantId), await kit.apiKey(tenantId)];
      const shared = await tenantPool(tenantId);
      const own = await pools.create({
        tenantId,
        scope: 'api_key',
        apiKeyId: k1,
        period: 'monthly',
        limitMicros: 10,
      });
      const cache = cacheWith('60000');
      const loads = jest.spyOn(pools, 'listForTenant');
      expect((await cache.forSubject({ tenantId, apiKeyId: k1 })).map((p) => p.id)).toEqual([
        shared.id,
        own.id,
      ]);
      expect((await cache.forSubject({ tenantId, apiKeyId: k2 })).map((p) => p.id)).toEqual([
        shared.id,
      ]);
      expect(loads).toHaveBeenCalledTimes(1);
    });
  });
});
