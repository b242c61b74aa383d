import { summarize, type LatencySummary } from './latency-stats';

/** One way of making the same call; `call` resolves when the caller has the whole answer. */
export interface TimedPath<N extends string = string> {
  name: N;
  call: () => Promise<void>;
}

export interface InterleavedPlan {
  /** Timed calls per path. */
  calls: number;
  /** Consecutive calls of one path before the next path's turn. */
  roundSize: number;
  /** Untimed calls per path first (JIT, connection pool, Redis script cache). */
  warmUp: number;
}

/**
 * Times `calls` sequential calls of every path, one at a time, in rounds: A, B, C, then
 * C, B, A, and so on. Machine noise (other processes, GC) then falls on every path alike,
 * while work a path leaves running in the background (a reply it does not await, a batched
 * write) mostly lands inside that path's own round.
 */
export async function timeInterleaved<N extends string>(
  paths: readonly TimedPath<N>[],
  plan: InterleavedPlan,
): Promise<Record<N, LatencySummary>> {
  for (const path of paths) {
    for (let i = 0; i < plan.warmUp; i++) await path.call();
  }
  const samples = new Map<N, number[]>(paths.map((p) => [p.name, []]));
  const rounds = Math.ceil(plan.calls / plan.roundSize);
  for (let round = 0; round < rounds; round++) {
    const size = Math.min(plan.roundSize, plan.calls - round * plan.roundSize);
    const order = round % 2 === 0 ? paths : [...paths].reverse();
    for (const path of order) {
      const out = samples.get(path.name) as number[];
      for (let i = 0; i < size; i++) {
        const started = performance.now();
        await path.call();
        out.push(performance.now() - started);
      }
    }
  }
  return Object.fromEntries(
    [...samples].map(([name, values]) => [name, summarize(values)]),
  ) as Record<N, LatencySummary>;
}
