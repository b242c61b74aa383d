/** Per-call latencies of one path, reduced to the figures the report prints (ms). */
export interface LatencySummary {
  calls: number;
  medianMs: number;
  p95Ms: number;
  p99Ms: number;
  meanMs: number;
}

/** Nearest-rank percentile: a latency that was really observed, never an interpolation. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    calls: sorted.length,
    medianMs: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    meanMs: sorted.length > 0 ? sum / sorted.length : NaN,
  };
}
