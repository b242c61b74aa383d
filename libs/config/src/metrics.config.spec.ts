import { loadConfig } from './config';
import { MAX_METRICS_TENANTS } from './metrics.config';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('metrics config', () => {
  it('is on, with no tenant label, by default', () => {
    const { metrics } = loadConfig({});
    expect(metrics.enabled).toBe(true);
    expect(metrics.tenantLabels).toEqual([]);
    expect(loadConfig({ METRICS_TENANT_LABELS: '' }).metrics.tenantLabels).toEqual([]);
  });

  it('turns off with METRICS_ENABLED=false and refuses other words', () => {
    expect(loadConfig({ METRICS_ENABLED: 'false' }).metrics.enabled).toBe(false);
    expect(loadConfig({ METRICS_ENABLED: '0' }).metrics.enabled).toBe(false);
    expect(() => loadConfig({ METRICS_ENABLED: 'off-ish' })).toThrow(/METRICS_ENABLED/);
  });

  it('reads opted-in tenant ids: trimmed, lowercased, deduplicated', () => {
    const upper = id(1).toUpperCase();
    const { metrics } = loadConfig({ METRICS_TENANT_LABELS: ` ${id(1)}, ${upper} ,${id(2)},` });
    expect(metrics.tenantLabels).toEqual([id(1), id(2)]);
  });

  it('refuses names instead of ids, and more than the cap', () => {
    expect(() => loadConfig({ METRICS_TENANT_LABELS: `${id(1)},acme-corp` })).toThrow(
      /METRICS_TENANT_LABELS/,
    );
    const many = Array.from({ length: MAX_METRICS_TENANTS + 1 }, (_, i) => id(i)).join(',');
    expect(() => loadConfig({ METRICS_TENANT_LABELS: many })).toThrow(/METRICS_TENANT_LABELS/);
    const cap = Array.from({ length: MAX_METRICS_TENANTS }, (_, i) => id(i)).join(',');
    expect(loadConfig({ METRICS_TENANT_LABELS: cap }).metrics.tenantLabels).toHaveLength(
      MAX_METRICS_TENANTS,
    );
  });
});
