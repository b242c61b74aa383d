import { costSources, ROLLUP_SEAL_GRACE_MS } from './cost-sources';
import { costRange, costsQuerySchema, rangeProblems } from './costs-query';

const at = (iso: string) => new Date(iso);

describe('costSources', () => {
  it('reads each day from exactly one source: sealed days from the rollup, the rest raw', () => {
    const refreshed = new Map([
      ['2026-03-01', at('2026-03-03T10:00:00Z')], // long after the day ended: sealed
      ['2026-03-02', at('2026-03-03T00:30:00Z')], // within the grace: rows may still land
      ['2026-03-03', at('2026-03-03T10:00:00Z')], // today: never sealed
    ]);
    const sources = costSources({ from: '2026-02-28', to: '2026-03-03' }, refreshed);
    expect(sources).toEqual({
      rollup: ['2026-03-01'],
      raw: ['2026-02-28', '2026-03-02', '2026-03-03'],
    });
  });

  it('seals a day exactly at its end plus the grace', () => {
    const end = Date.parse('2026-03-02T00:00:00Z');
    const just = new Map([['2026-03-01', new Date(end + ROLLUP_SEAL_GRACE_MS)]]);
    const early = new Map([['2026-03-01', new Date(end + ROLLUP_SEAL_GRACE_MS - 1)]]);
    const range = { from: '2026-03-01', to: '2026-03-01' };
    expect(costSources(range, just).rollup).toEqual(['2026-03-01']);
    expect(costSources(range, early).raw).toEqual(['2026-03-01']);
  });
});

describe('costs query', () => {
  it('defaults to the last 7 days, today included', () => {
    expect(costRange({}, at('2026-03-10T12:00:00Z'))).toEqual({
      from: '2026-03-04',
      to: '2026-03-10',
    });
  });

  it('refuses bad dates, unknown groups and unknown parameters', () => {
    const ok = (q: Record<string, string>) => costsQuerySchema.safeParse(q).success;
    expect(ok({ from: '2026-02-28', to: '2026-03-01', groupBy: 'model' })).toBe(true);
    expect(ok({ from: '2026-02-30' })).toBe(false);
    expect(ok({ to: '2026-3-1' })).toBe(false);
    expect(ok({ groupBy: 'week' })).toBe(false);
    expect(ok({ colour: 'red' })).toBe(false);
  });

  it('refuses from after to and ranges over 366 days, defaults included', () => {
    const now = at('2026-03-10T12:00:00Z');
    const problems = (q: { from?: string; to?: string }) => rangeProblems(costRange(q, now));
    expect(problems({ from: '2026-03-02', to: '2026-03-01' })).toEqual([
      expect.objectContaining({ field: 'from' }),
    ]);
    expect(problems({ from: '2026-03-11' })).toEqual([expect.objectContaining({ field: 'from' })]);
    expect(problems({ from: '2025-01-01', to: '2026-01-02' })).toEqual([
      expect.objectContaining({ field: 'to' }),
    ]);
    expect(problems({ from: '2025-01-01', to: '2026-01-01' })).toEqual([]);
  });
});
