import type { BenchSettings } from './bench-settings';
import { platformWorkerLeg, type PlatformLegResult } from './platform-worker.leg';
import { rawBullmqLeg, type WorkerLegResult } from './raw-bullmq.leg';
import { mergeTallies } from './redis-census';

/**
 * The best round of one leg, with every round's jobs/s (in round order) to show the spread;
 * its Redis command counts are those of all rounds together.
 */
export type BestOf<T extends WorkerLegResult> = T & { rounds: number[] };

export interface WorkerLegs {
  raw: BestOf<WorkerLegResult>[];
  /** With the simulated provider. */
  platform: BestOf<PlatformLegResult>[];
  /** With the router, the provider gate and the SDK to a fake OpenAI server. */
  routed: BestOf<PlatformLegResult>[];
  /** The routed legs again, in the same rounds, with budget pools on every call. */
  budgeted: BestOf<PlatformLegResult>[];
}

function best<T extends WorkerLegResult>(runs: T[]): BestOf<T> {
  const top = runs.reduce((a, b) => (b.jobsPerSecond > a.jobsPerSecond ? b : a));
  return {
    ...top,
    rounds: runs.map((r) => r.jobsPerSecond),
    commands: mergeTallies(runs.map((r) => r.commands)),
  };
}

/**
 * Every worker leg, `settings.rounds` times, interleaved (all legs once, then again), so a
 * burst of other work on the machine hurts one round of a leg rather than all of its rounds.
 */
export async function runWorkerLegs(settings: BenchSettings): Promise<WorkerLegs> {
  const { jobs, jobsC1 } = settings;
  const rawPlans = [
    (i: number) => rawBullmqLeg(settings, 1, jobsC1, `raw${i}`),
    (i: number) => rawBullmqLeg(settings, 50, jobs, `raw${i}`),
  ];
  const platform = (
    concurrency: number,
    logs: boolean,
    llm: 'simulated' | 'routed',
    budgets = false,
  ) => {
    const spec = { concurrency, jobs: concurrency === 1 ? jobsC1 : jobs, logs, llm, budgets };
    return (i: number) => platformWorkerLeg(settings, spec, i);
  };
  // Budgets off and on side by side: every round runs them back to back, in turn first.
  const platformPlans = [
    platform(1, false, 'simulated'),
    platform(50, false, 'simulated'),
    platform(50, true, 'simulated'),
    platform(1, false, 'routed'),
    platform(1, false, 'routed', true),
    platform(50, false, 'routed'),
    platform(50, false, 'routed', true),
  ];
  const rawRuns: WorkerLegResult[][] = rawPlans.map(() => []);
  const platformRuns: PlatformLegResult[][] = platformPlans.map(() => []);
  // Odd rounds go in reverse order, so no leg always runs right after the same other one.
  const ordered = <T>(list: T[], round: number): [number, T][] =>
    round % 2 === 0 ? [...list.entries()] : [...list.entries()].reverse();
  for (let round = 0; round < settings.rounds; round++) {
    for (const [k, plan] of ordered(rawPlans, round)) rawRuns[k].push(await plan(round));
    for (const [k, plan] of ordered(platformPlans, round)) platformRuns[k].push(await plan(round));
  }
  const platformBest = platformRuns.map(best);
  return {
    raw: rawRuns.map(best),
    platform: platformBest.filter((leg) => leg.llm === 'simulated'),
    routed: platformBest.filter((leg) => leg.llm === 'routed' && !leg.budgets),
    budgeted: platformBest.filter((leg) => leg.budgets),
  };
}
