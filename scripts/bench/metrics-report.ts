import { fixed } from './bench-output';
import type { MetricsPairResult } from './metrics-pair.leg';
import type { ScrapeCostResult } from './scrape-cost.leg';

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
};

/** The metrics section: scrape cost against an empty registry, and the wrapper on/off. */
export function renderMetricsSection(
  scrape: ScrapeCostResult,
  pairs: MetricsPairResult[],
): string[] {
  const t = scrape.timings;
  const row = (name: string, full: keyof typeof t, empty: keyof typeof t) =>
    `  ${name.padEnd(20)} median ${fixed(t[full].medianMs, 3)} ms, p95 ${fixed(t[full].p95Ms, 3)} ms` +
    ` | empty registry median ${fixed(t[empty].medianMs, 3)} ms, p95 ${fixed(t[empty].p95Ms, 3)} ms` +
    ` | ratio median ×${fixed(t[full].medianMs / t[empty].medianMs, 1)}, p95 ×${fixed(t[full].p95Ms / t[empty].p95Ms, 1)}`;
  const lines = [
    `Metrics: one scrape with ${scrape.mailboxes} mailboxes and ${scrape.series} series ` +
      `(${fixed(scrape.bodyBytes / 1024)} KiB of text; ${scrape.models} LLM models), ` +
      `${t.registry.calls} scrapes per path, interleaved`,
    row('registry.metrics()', 'registry', 'empty registry'),
    row('GET /metrics (HTTP)', 'http', 'empty http'),
  ];
  const on = pairs.map((p) => p.on);
  const off = pairs.map((p) => p.off);
  const parts = pairs.flatMap((p) => p.partRatios);
  if (pairs.length > 0) {
    const best = (xs: number[]) => Math.max(...xs);
    lines.push(
      `Job wrapper, metrics on vs off (METRICS_ENABLED; platform worker, simulated LLM, ` +
        `c=${pairs[0].concurrency}, ${pairs[0].jobs} jobs per side per round, ${pairs.length} rounds):`,
      `  on  ${on.map((x) => fixed(x)).join(' / ')} jobs/s (best ${fixed(best(on))})`,
      `  off ${off.map((x) => fixed(x)).join(' / ')} jobs/s (best ${fixed(best(off))})`,
      `  on/off: best-of ${fixed((best(on) / best(off)) * 100, 1)} %, ` +
        `median of ${parts.length} back-to-back drain pairs ${fixed(median(parts) * 100, 1)} % ` +
        `(range ${fixed(Math.min(...parts) * 100, 1)}–${fixed(Math.max(...parts) * 100, 1)} %; aim ≥ 97 %)`,
    );
  }
  return lines;
}
