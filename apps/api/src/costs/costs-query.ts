import { UUID_PATTERN } from '@switchboard/persistence';
import { z } from 'zod';

export const COST_GROUPS = ['day', 'tier', 'provider', 'model', 'role', 'outcome'] as const;
export type CostGroup = (typeof COST_GROUPS)[number];

/** The longest range one request may ask for, in days (both ends included). */
export const MAX_RANGE_DAYS = 366;
/** The range when none is given: the last 7 days, today included. */
export const DEFAULT_RANGE_DAYS = 7;

const DAY_MS = 86_400_000;
const isoDay = z.iso.date('must be a date, YYYY-MM-DD');

export const costsQuerySchema = z.strictObject({
  from: isoDay.optional(),
  to: isoDay.optional(),
  groupBy: z.enum(COST_GROUPS).default('day'),
  tenantId: z.string().regex(UUID_PATTERN, 'must be a tenant id (a UUID)').optional(),
});

export interface CostRange {
  /** First UTC day, YYYY-MM-DD, included. */
  from: string;
  /** Last UTC day, YYYY-MM-DD, included. */
  to: string;
}

/** Fills in the defaults: `to` is today (UTC), `from` is 6 days before `to`. */
export function costRange(q: { from?: string; to?: string }, now: Date): CostRange {
  const to = q.to ?? utcDay(now);
  const from = q.from ?? addDays(to, -(DEFAULT_RANGE_DAYS - 1));
  return { from, to };
}

/** What is wrong with a range once its defaults are filled in (from after to, too long). */
export function rangeProblems(range: CostRange): { field: string; message: string }[] {
  if (range.from > range.to)
    return [{ field: 'from', message: `must not be after to (${range.to})` }];
  if (daysBetween(range.from, range.to) + 1 > MAX_RANGE_DAYS) {
    return [{ field: 'to', message: `the range may cover at most ${MAX_RANGE_DAYS} days` }];
  }
  return [];
}

export const utcDay = (date: Date) => date.toISOString().slice(0, 10);

export function addDays(day: string, n: number): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS));
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}
