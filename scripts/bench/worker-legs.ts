import type { BudgetCheck } from './bench-budgets';
import type { BenchSettings } from './bench-settings';
import { budgetPairLeg, type BudgetPairResult } from './budget-pair.leg';
import { mergeTallies } from './drain-census';
import { platformWorkerLeg, type PlatformLegResult } from './platform-worker.leg';
import { rawBullmqLeg, type WorkerLegResult } from './raw-bullmq.leg';

/**
 * The best round of one leg, with every round's jobs/s (in round order) to show the spread;
 * its Redis command counts and CPU are those of all rounds together.
 */
export type BestOf<T extends WorkerLegResult> = T & { rounds: number[] };

/** The routed worker with budgets off and on, over all rounds. */
export interface BudgetPairs {
  concurrency: number;
  off: BestOf<PlatformLegResult>;
  on: BestOf<PlatformLegResult>;
  /** On / off jobs/s of every pair of back-to-back drains, all rounds. */
  partRatios: number[];
  checks: BudgetCheck[];
}

export interface WorkerLegs {
  raw: BestOf<WorkerLegResult>[];
  /** With the simulated provider (no budget pool). */
  platform: BestOf<PlatformLegResult>[];
  /**
   * With the router, the provider gate and the SDK to a fake OpenAI server: the budgets-off
   * side of `budget`.
   */
  routed: BestOf<PlatformLegResult>[];
  /** The routed worker with budgets off and on, taking turns in one leg per round. */
  budget: BudgetPairs[];
}

function best<T extends WorkerLegResult>(runs: T[]): BestOf<T> {
  const top = runs.reduce((a, b) => (b.jobsPerSecond > a.jobsPerSecond ? b : a));
  return {
    ...top,
    rounds: runs.map((r) => r.jobsPerSecond),
    commands: mergeTallies(runs.map((r) => r.commands)),
  };
}

function pairs(runs: BudgetPairResult[]): BudgetPairs {
  return {
    concurrency: runs[0].concurrency,
    off: best(runs.map((r) => r.off)),
    on: best(runs.map((r) => r.on)),
    partRatios: runs.flatMap((r) => r.partRatios),
    checks: runs.map((r) => r.check),
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
  const platform = (concurrency: number, logs: boolean) => {
    const spec = { concurrency, jobs: concurrency === 1 ? jobsC1 : jobs, logs };
    return (i: number) => platformWorkerLeg(settings, spec, i);
  };
  const platformPlans = [platform(1, false), platform(50, false), platform(50, true)];
  // The routed legs: budgets off (no pool) and on (three pools) taking turns.
  const budgetPlans = [1, 50].map(
    (concurrency) => (i: number) =>
      budgetPairLeg(settings, { concurrency, jobs: concurrency === 1 ? jobsC1 : jobs }, i),
  );
  const rawRuns: WorkerLegResult[][] = rawPlans.map(() => []);
  const platformRuns: PlatformLegResult[][] = platformPlans.map(() => []);
  const budgetRuns: BudgetPairResult[][] = budgetPlans.map(() => []);
  // Odd rounds go in reverse order, so no leg always runs right after the same other one.
  const ordered = <T>(list: T[], round: number): [number, T][] =>
    round % 2 === 0 ? [...list.entries()] : [...list.entries()].reverse();
  for (let round = 0; round < settings.rounds; round++) {
    for (const [k, plan] of ordered(rawPlans, round)) rawRuns[k].push(await plan(round));
    for (const [k, plan] of ordered(platformPlans, round)) platformRuns[k].push(await plan(round));
    for (const [k, plan] of ordered(budgetPlans, round)) budgetRuns[k].push(await plan(round));
  }
  const budget = budgetRuns.map(pairs);
  return {
    raw: rawRuns.map(best),
    platform: platformRuns.map(best),
    routed: budget.map((p) => p.off),
    budget,
  };
}
