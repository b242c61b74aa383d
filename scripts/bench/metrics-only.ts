import { say } from './bench-output';
import type { BenchSettings } from './bench-settings';
import { busyWarning, describeMachine, loadNow } from './machine';
import { metricsPairLeg, type MetricsPairResult } from './metrics-pair.leg';
import { renderMetricsSection } from './metrics-report';
import { progress } from './bench-output';
import { scrapeCostLeg } from './scrape-cost.leg';

/** The metrics legs: the wrapper on/off pairs (`rounds` of them, c=50), then the scrape cost. */
export async function metricsLegs(settings: BenchSettings): Promise<string[]> {
  const pairs: MetricsPairResult[] = [];
  for (let round = 0; round < settings.rounds; round++) {
    pairs.push(await metricsPairLeg(settings, { concurrency: 50, jobs: settings.jobs }, round));
  }
  // Last: it fills the process's registry with series the other legs do not expect.
  const scrape = await scrapeCostLeg(settings);
  return renderMetricsSection(scrape, pairs);
}

/** BENCH_ONLY=metrics: the metrics legs alone. */
export async function onlyMetrics(settings: BenchSettings): Promise<void> {
  const machine = await describeMachine(settings);
  const loads = [loadNow()];
  progress(`run ${settings.runId}, metrics only; ${machine}`);
  const section = await metricsLegs(settings);
  loads.push(loadNow());
  say('');
  say(`Machine: ${machine}; 1-min load average ${loads.map((l) => l.toFixed(2)).join(' → ')}`);
  say('');
  say(section.join('\n'));
  const warning = busyWarning(loads);
  if (warning) say(`\nWARNING: ${warning}.`);
}
