import type { BudgetPeriod, BudgetPool } from './budget.types';

/** The period a pool is in at some instant: its counter key and its bounds. */
export interface PeriodWindow {
  /** `2026-11-21`, `2026-W47`, `2026-11` or `lifetime`. */
  key: string;
  /** The instant the period began in the pool's zone; null for lifetime. */
  start: Date | null;
  /** The instant the next period begins (next local midnight, Monday or 1st); null for lifetime. */
  resetsAt: Date | null;
}

const DAY_MS = 86_400_000;
// Wider than any UTC offset ever used (LMT included), so a local day's start lies within.
const SEARCH_MS = 18 * 3_600_000;
const CACHE_LIMIT = 10_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
const dayStarts = new Map<string, number>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, f);
  }
  return f;
}

/** The zone's canonical name (`utc` → `UTC`), or null when Intl does not know it. */
export function canonicalTimezone(timezone: string): string | null {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: timezone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** Days since 1970-01-01 of the local calendar date at `instantMs` in `timezone`. */
function localDay(timezone: string, instantMs: number): number {
  const parts = formatter(timezone).formatToParts(new Date(instantMs));
  const get = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(get('year'), get('month') - 1, get('day')) / DAY_MS;
}

/**
 * The first instant of local day `day` (days since epoch). Usually local midnight; where a
 * DST jump skips midnight (e.g. America/Santiago) the day begins when the clock jumps.
 * Searched at second resolution (zone transitions fall on whole seconds) and cached.
 */
function dayStart(timezone: string, day: number): number {
  const cacheKey = `${timezone}|${day}`;
  const cached = dayStarts.get(cacheKey);
  if (cached !== undefined) return cached;
  let lo = (day * DAY_MS - SEARCH_MS) / 1000; // local day before `day` here
  let hi = (day * DAY_MS + SEARCH_MS) / 1000; // local day `day` (or later) here
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (localDay(timezone, mid * 1000) >= day) hi = mid;
    else lo = mid;
  }
  if (dayStarts.size >= CACHE_LIMIT) dayStarts.clear();
  dayStarts.set(cacheKey, hi * 1000);
  return hi * 1000;
}

function civil(day: number): { y: number; m: number; d: number } {
  const date = new Date(day * DAY_MS);
  return { y: date.getUTCFullYear(), m: date.getUTCMonth() + 1, d: date.getUTCDate() };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** ISO 8601 week: weeks start on Monday; week 1 is the one holding the year's first Thursday. */
function isoWeek(day: number): { monday: number; key: string } {
  const weekday = (((day + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday; Monday = 0
  const monday = day - weekday;
  const thursday = monday + 3;
  const year = civil(thursday).y;
  const week = Math.floor((thursday - Date.UTC(year, 0, 1) / DAY_MS) / 7) + 1;
  return { monday, key: `${pad(year, 4)}-W${pad(week)}` };
}

function window(timezone: string, key: string, from: number, to: number): PeriodWindow {
  return {
    key,
    start: new Date(dayStart(timezone, from)),
    resetsAt: new Date(dayStart(timezone, to)),
  };
}

/** The calendar period of `pool` that `now` falls in, in the pool's timezone. */
export function periodOf(pool: Pick<BudgetPool, 'period' | 'timezone'>, now: Date): PeriodWindow {
  const period: BudgetPeriod = pool.period;
  if (period === 'lifetime') return { key: 'lifetime', start: null, resetsAt: null };
  const tz = pool.timezone || 'UTC';
  const day = localDay(tz, now.getTime());
  switch (period) {
    case 'daily': {
      const { y, m, d } = civil(day);
      return window(tz, `${pad(y, 4)}-${pad(m)}-${pad(d)}`, day, day + 1);
    }
    case 'weekly': {
      const { monday, key } = isoWeek(day);
      return window(tz, key, monday, monday + 7);
    }
    case 'monthly': {
      const { y, m } = civil(day);
      const first = Date.UTC(y, m - 1, 1) / DAY_MS;
      return window(tz, `${pad(y, 4)}-${pad(m)}`, first, Date.UTC(y, m, 1) / DAY_MS);
    }
  }
}
