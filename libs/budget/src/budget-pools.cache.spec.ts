import { applicablePools } from './budget-pools.cache';
import type { BudgetPool } from './budget.types';

const TENANT = 'tenant-a';
const pool = (
  id: string,
  scope: BudgetPool['scope'],
  extra: Partial<BudgetPool> = {},
): BudgetPool => ({
  id,
  tenantId: TENANT,
  scope,
  apiKeyId: null,
  period: scope === 'job' ? 'lifetime' : 'daily',
  limitMicros: 100,
  mode: 'hard',
  thresholds: [80, 100],
  timezone: 'UTC',
  webhookUrl: null,
  createdBy: 'admin',
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...extra,
});

describe('applicablePools', () => {
  const pools = [
    pool('tenant', 'tenant'),
    pool('key-1', 'api_key', { apiKeyId: 'k1' }),
    pool('key-2', 'api_key', { apiKeyId: 'k2' }),
    pool('every-job', 'job'),
    pool('k1-jobs', 'job', { apiKeyId: 'k1' }),
    pool('stranger', 'tenant', { tenantId: 'tenant-b' }),
  ];
  const ids = (subject: Parameters<typeof applicablePools>[1]) =>
    applicablePools(pools, subject).map((p) => p.id);

  it("applies a job's pools, its key's pools and the tenant's to a call of a job on a key", () => {
    expect(ids({ tenantId: TENANT, apiKeyId: 'k1', jobId: 'j' })).toEqual([
      'tenant',
      'key-1',
      'every-job',
      'k1-jobs',
    ]);
  });

  it("leaves out another key's pools, and key-limited job pools of other keys", () => {
    expect(ids({ tenantId: TENANT, apiKeyId: 'k2', jobId: 'j' })).toEqual([
      'tenant',
      'key-2',
      'every-job',
    ]);
  });

  it('applies no key pool to a call without a key, and no job pool outside a job', () => {
    expect(ids({ tenantId: TENANT, jobId: 'j' })).toEqual(['tenant', 'every-job']);
    expect(ids({ tenantId: TENANT, apiKeyId: 'k1' })).toEqual(['tenant', 'key-1']);
    expect(ids({ tenantId: TENANT, apiKeyId: null, jobId: null })).toEqual(['tenant']);
  });

  it("never applies another tenant's pools", () => {
    expect(ids({ tenantId: 'tenant-b', apiKeyId: 'k1', jobId: 'j' })).toEqual(['stranger']);
  });
});
