import type { INestApplicationContext } from '@nestjs/common';
import type { Config } from '@switchboard/config';
import { metricsRegistry, setMetricsEnabled } from '@switchboard/observability';
import { fixed, progress } from './bench-output';
import { platformEnv, type BenchSettings, type LegScope } from './bench-settings';
import { CHAT_MAILBOX } from './chat-job.fixture';
import { withLegScope } from './leg-isolation';
import { withPlatformContext } from './platform-context';
import {
  checkLegRows,
  createSubmitter,
  submitAndDrain,
  type PlatformDrain,
} from './platform-drain';

/** Drains per side in one leg, the sides taking turns (ABBA), as in the budget pair leg. */
export const METRICS_PAIR_PARTS = 4;

type Side = 'on' | 'off';

export interface MetricsPairResult {
  concurrency: number;
  jobs: number;
  /** jobs/s of each side over all its drains. */
  on: number;
  off: number;
  /** On / off jobs/s of each pair of back-to-back drains. */
  partRatios: number[];
}

/** Completed runs of the bench's mailbox counted by the job wrapper so far. */
async function countedRuns(): Promise<number> {
  const metric = metricsRegistry.getSingleMetric('switchboard_jobs_total');
  if (!metric) throw new Error('switchboard_jobs_total is not registered');
  const { values } = await metric.get();
  return values
    .filter((v) => v.labels.queue === CHAT_MAILBOX && v.labels.outcome === 'completed')
    .reduce((n, v) => n + v.value, 0);
}

/**
 * The platform worker path (JobRunner + chat actor + simulated LLM, as platform-worker.leg.ts)
 * with the metrics switch on and off, in one platform context and one Redis: `jobs` per side in
 * METRICS_PAIR_PARTS drains, the sides taking turns. Proof that the switch did what it says:
 * each `on` drain adds exactly its jobs to switchboard_jobs_total, each `off` drain nothing.
 */
export async function metricsPairLeg(
  settings: BenchSettings,
  spec: { concurrency: number; jobs: number },
  round: number,
): Promise<MetricsPairResult> {
  return withLegScope(settings, `mp${round}_c${spec.concurrency}`, true, (scope) =>
    withPlatformContext(platformEnv(settings, scope, 'warn'), (app, config) =>
      alternate(app, config, scope, settings, { ...spec, round }),
    ),
  );
}

async function alternate(
  app: INestApplicationContext,
  config: Config,
  scope: LegScope,
  settings: BenchSettings,
  { concurrency, jobs, round }: { concurrency: number; jobs: number; round: number },
): Promise<MetricsPairResult> {
  const name = `metrics on/off c=${concurrency}`;
  const who = await createSubmitter(app, `bench-${scope.schema}`);
  const drains: Record<Side, PlatformDrain[]> = { on: [], off: [] };
  const partRatios: number[] = [];
  const size = Math.ceil(jobs / METRICS_PAIR_PARTS);
  try {
    for (let part = 0; part * size < jobs; part++) {
      const n = Math.min(size, jobs - part * size);
      const order: Side[] = (part + round) % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
      for (const side of order) {
        setMetricsEnabled(side === 'on');
        const before = await countedRuns();
        const label = `${name} part ${part + 1}, metrics ${side}`;
        drains[side].push(
          await submitAndDrain(app, config, who, { jobs: n, concurrency, name: label }),
        );
        const counted = (await countedRuns()) - before;
        if (counted !== (side === 'on' ? n : 0)) {
          throw new Error(`${label}: the job wrapper counted ${counted} runs of ${n}`);
        }
      }
      const [on, off] = [drains.on[part], drains.off[part]];
      partRatios.push(off.ms / on.ms);
      progress(
        `${name} part ${part + 1}: on ${fixed((n / on.ms) * 1000)} jobs/s, ` +
          `off ${fixed((n / off.ms) * 1000)} jobs/s (${fixed((off.ms / on.ms) * 100, 1)} %)`,
      );
    }
  } finally {
    setMetricsEnabled(true);
  }
  await checkLegRows(settings, scope.schema, 2 * jobs, name);
  const rate = (side: Side) => {
    const ms = drains[side].reduce((a, d) => a + d.ms, 0);
    return (jobs / ms) * 1000;
  };
  return { concurrency, jobs, on: rate('on'), off: rate('off'), partRatios };
}
