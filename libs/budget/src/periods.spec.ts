import type { BudgetPeriod } from './budget.types';
import { canonicalTimezone, periodOf } from './periods';

const at = (period: BudgetPeriod, timezone: string, iso: string) => {
  const w = periodOf({ period, timezone }, new Date(iso));
  return [w.key, w.start?.toISOString() ?? null, w.resetsAt?.toISOString() ?? null];
};

describe('periodOf', () => {
  it('daily, weekly and monthly periods in UTC', () => {
    expect(at('daily', 'UTC', '2026-11-21T13:45:00Z')).toEqual([
      '2026-11-21',
      '2026-11-21T00:00:00.000Z',
      '2026-11-22T00:00:00.000Z',
    ]);
    // 2026-11-21 is a Saturday of ISO week 47.
    expect(at('weekly', 'UTC', '2026-11-21T13:45:00Z')).toEqual([
      '2026-W47',
      '2026-11-16T00:00:00.000Z',
      '2026-11-23T00:00:00.000Z',
    ]);
    expect(at('monthly', 'UTC', '2026-11-21T13:45:00Z')).toEqual([
      '2026-11',
      '2026-11-01T00:00:00.000Z',
      '2026-12-01T00:00:00.000Z',
    ]);
    expect(at('lifetime', 'UTC', '2026-11-21T13:45:00Z')).toEqual(['lifetime', null, null]);
  });

  it('is exact at the boundaries', () => {
    expect(at('daily', 'UTC', '2026-11-21T23:59:59.999Z')[0]).toBe('2026-11-21');
    expect(at('daily', 'UTC', '2026-11-22T00:00:00.000Z')[0]).toBe('2026-11-22');
    expect(at('weekly', 'UTC', '2026-11-22T23:59:59.999Z')[0]).toBe('2026-W47');
    expect(at('weekly', 'UTC', '2026-11-23T00:00:00.000Z')[0]).toBe('2026-W48');
  });

  it('follows a non-UTC zone', () => {
    // 20:00 in New York on Nov 21 is already Nov 22 in UTC.
    expect(at('daily', 'America/New_York', '2026-11-22T01:00:00Z')).toEqual([
      '2026-11-21',
      '2026-11-21T05:00:00.000Z',
      '2026-11-22T05:00:00.000Z',
    ]);
    // 07:00 in Tokyo on Dec 1 is still Nov 30 in UTC.
    expect(at('monthly', 'Asia/Tokyo', '2026-11-30T22:00:00Z')).toEqual([
      '2026-12',
      '2026-11-30T15:00:00.000Z',
      '2026-12-31T15:00:00.000Z',
    ]);
    // Half-hour offsets (India, +05:30).
    expect(at('daily', 'Asia/Kolkata', '2026-03-10T18:29:59Z')[0]).toBe('2026-03-10');
    expect(at('daily', 'Asia/Kolkata', '2026-03-10T18:30:00Z')).toEqual([
      '2026-03-11',
      '2026-03-10T18:30:00.000Z',
      '2026-03-11T18:30:00.000Z',
    ]);
  });

  it('handles DST: 23- and 25-hour days, weeks and months across a change', () => {
    // Berlin springs forward on 2025-03-30 (+01:00 → +02:00): a 23-hour day.
    expect(at('daily', 'Europe/Berlin', '2025-03-30T12:00:00Z')).toEqual([
      '2025-03-30',
      '2025-03-29T23:00:00.000Z',
      '2025-03-30T22:00:00.000Z',
    ]);
    // New York falls back on 2025-11-02 (-04:00 → -05:00): a 25-hour day.
    expect(at('daily', 'America/New_York', '2025-11-02T12:00:00Z')).toEqual([
      '2025-11-02',
      '2025-11-02T04:00:00.000Z',
      '2025-11-03T05:00:00.000Z',
    ]);
    expect(at('weekly', 'America/New_York', '2025-11-02T12:00:00Z')).toEqual([
      '2025-W44',
      '2025-10-27T04:00:00.000Z',
      '2025-11-03T05:00:00.000Z',
    ]);
    expect(at('monthly', 'Europe/Berlin', '2025-03-15T00:00:00Z')).toEqual([
      '2025-03',
      '2025-02-28T23:00:00.000Z',
      '2025-03-31T22:00:00.000Z',
    ]);
  });

  it('starts a day whose midnight DST skips at the jump (America/Santiago)', () => {
    // On 2024-09-08 Chile's clocks go from 23:59:59 (-04:00) straight to 01:00 (-03:00).
    expect(at('daily', 'America/Santiago', '2024-09-07T12:00:00Z')[2]).toBe(
      '2024-09-08T04:00:00.000Z',
    );
    expect(at('daily', 'America/Santiago', '2024-09-08T04:00:00Z')).toEqual([
      '2024-09-08',
      '2024-09-08T04:00:00.000Z',
      '2024-09-09T03:00:00.000Z',
    ]);
  });

  it('crosses year boundaries, including ISO week 53 and week 1 of the next year', () => {
    expect(at('daily', 'UTC', '2025-12-31T23:59:59Z')[0]).toBe('2025-12-31');
    expect(at('monthly', 'UTC', '2025-12-31T23:59:59Z')).toEqual([
      '2025-12',
      '2025-12-01T00:00:00.000Z',
      '2026-01-01T00:00:00.000Z',
    ]);
    // 2020 has 53 ISO weeks; Jan 1-3 2021 still belong to 2020-W53.
    expect(at('weekly', 'UTC', '2021-01-01T00:00:00Z')).toEqual([
      '2020-W53',
      '2020-12-28T00:00:00.000Z',
      '2021-01-04T00:00:00.000Z',
    ]);
    expect(at('weekly', 'UTC', '2021-01-04T00:00:00Z')[0]).toBe('2021-W01');
    // Monday 2025-12-29 is in week 1 of 2026 (whose Jan 1 is a Thursday), and 2026 has a W53.
    expect(at('weekly', 'UTC', '2025-12-29T00:00:00Z')[0]).toBe('2026-W01');
    expect(at('weekly', 'UTC', '2026-12-31T00:00:00Z')[0]).toBe('2026-W53');
    expect(at('weekly', 'UTC', '2027-01-03T23:59:59Z')[0]).toBe('2026-W53');
    expect(at('weekly', 'UTC', '2027-01-04T00:00:00Z')[0]).toBe('2027-W01');
    // New Year arrives in Auckland while UTC is still in the old year.
    expect(at('monthly', 'Pacific/Auckland', '2025-12-31T11:00:00Z')[0]).toBe('2026-01');
    expect(at('daily', 'Pacific/Auckland', '2025-12-31T10:59:59Z')[0]).toBe('2025-12-31');
  });

  it('canonicalises zone names and rejects unknown ones', () => {
    expect(canonicalTimezone('utc')).toBe('UTC');
    expect(canonicalTimezone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(canonicalTimezone('Mars/Olympus')).toBeNull();
  });

  it('reads a pool without a zone as UTC', () => {
    expect(at('daily', '', '2026-11-21T23:30:00Z')).toEqual(
      at('daily', 'UTC', '2026-11-21T23:30:00Z'),
    );
  });

  it('stays exact after its cache of day starts fills and is cleared', () => {
    // More distinct days than the cache holds (10,000), one zone: every window still exact.
    const first = Date.UTC(2001, 0, 1);
    for (let day = 0; day < 10_100; day += 1) {
      const midnight = first + day * 86_400_000;
      const w = periodOf({ period: 'daily', timezone: 'Asia/Kolkata' }, new Date(midnight));
      // Kolkata is UTC+5:30 all along: its day starts at 18:30 UTC the day before.
      expect(w.resetsAt!.getTime() - w.start!.getTime()).toBe(86_400_000);
      expect(w.start!.getTime() % 86_400_000).toBe(66_600_000);
    }
  });
});
