import { addDays, daysBetween, type CostRange } from './costs-query';

/**
 * Rows of the invocation log land after their `created_at` (the call's start): a call that
 * began before midnight is written when it ends, plus the log's flush interval. A day's
 * rollup counts as complete only when it was refreshed this long after the day ended.
 */
export const ROLLUP_SEAL_GRACE_MS = 3_600_000;

/** Which UTC days of a range are read from the daily rollup and which from raw rows. */
export interface CostSources {
  rollup: string[];
  raw: string[];
}

/**
 * Each day of the range is read from exactly one source, so nothing is counted twice: from
 * `llm_invocations_daily` when that day's rollup is sealed (last refreshed at least
 * ROLLUP_SEAL_GRACE_MS after the day ended), otherwise from raw `llm_invocations` (today,
 * yesterday until the grace has passed, and any day the rollup job missed).
 *
 * `refreshedAt` maps a day to the latest `refreshed_at` of its rollup rows, of all tenants: a
 * refresh rewrites every group of a day in one statement, so that is when the day was last
 * recomputed, whoever's rows it holds.
 */
export function costSources(
  range: CostRange,
  refreshedAt: ReadonlyMap<string, Date>,
  graceMs = ROLLUP_SEAL_GRACE_MS,
): CostSources {
  const sources: CostSources = { rollup: [], raw: [] };
  const days = daysBetween(range.from, range.to) + 1;
  for (let i = 0; i < days; i++) {
    const day = addDays(range.from, i);
    const dayEnd = Date.parse(`${addDays(day, 1)}T00:00:00Z`);
    const refreshed = refreshedAt.get(day);
    const sealed = refreshed !== undefined && refreshed.getTime() >= dayEnd + graceMs;
    (sealed ? sources.rollup : sources.raw).push(day);
  }
  return sources;
}
