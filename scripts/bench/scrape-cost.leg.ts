import { metricsRegistry, startMetricsServer } from '@switchboard/observability';
import { MailboxQueues, QueueDepthCollector } from '@switchboard/queue';
import { Registry } from 'prom-client';
import { fixed, progress } from './bench-output';
import { platformEnv, type BenchSettings } from './bench-settings';
import { timeInterleaved } from './interleaved-timing';
import type { LatencySummary } from './latency-stats';
import { withLegScope } from './leg-isolation';
import { populateMetrics, seriesCount } from './metrics-population';
import { withPlatformContext } from './platform-context';

/** About what a busy deployment's API or worker exposes. */
const TARGET_SERIES = 10_000;

type ScrapePath = 'registry' | 'empty registry' | 'http' | 'empty http';

export interface ScrapeCostResult {
  mailboxes: number;
  series: number;
  bodyBytes: number;
  models: number;
  timings: Record<ScrapePath, LatencySummary>;
}

/**
 * The cost of one scrape: `registry.metrics()` and `GET /metrics` over HTTP (the worker's
 * metrics server, on loopback) of the process's registry holding the depths of every mailbox
 * as the real QueueDepthCollector read them from Redis and about TARGET_SERIES series in the
 * real metric objects, against an empty registry, interleaved in one run. BENCH_SCRAPES timed
 * scrapes per path (200).
 */
export async function scrapeCostLeg(settings: BenchSettings): Promise<ScrapeCostResult> {
  const scrapes = Number(process.env.BENCH_SCRAPES ?? 200);
  if (!Number.isInteger(scrapes) || scrapes <= 0) throw new Error('BENCH_SCRAPES: not a count');
  return withLegScope(settings, 'scrape', true, (scope) =>
    withPlatformContext(platformEnv(settings, scope, 'warn'), async (app) => {
      const queues = app.get(MailboxQueues);
      await new QueueDepthCollector(queues).refresh();
      const models = await populateMetrics(metricsRegistry, TARGET_SERIES);
      const series = await seriesCount(metricsRegistry);
      const empty = new Registry();
      const full = await startMetricsServer(0, '127.0.0.1', metricsRegistry);
      const bare = await startMetricsServer(0, '127.0.0.1', empty);
      try {
        const bodyBytes = Buffer.byteLength(await metricsRegistry.metrics());
        const get = async (port: number) => {
          const res = await fetch(`http://127.0.0.1:${port}/metrics`);
          if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}`);
          await res.arrayBuffer();
        };
        progress(
          `scrape cost: ${queues.all().length} mailboxes, ${series} series ` +
            `(${fixed(bodyBytes / 1024)} KiB), ${scrapes} scrapes per path`,
        );
        const timings = await timeInterleaved<ScrapePath>(
          [
            { name: 'registry', call: async () => void (await metricsRegistry.metrics()) },
            { name: 'empty registry', call: async () => void (await empty.metrics()) },
            { name: 'http', call: () => get(full.port) },
            { name: 'empty http', call: () => get(bare.port) },
          ],
          { calls: scrapes, roundSize: 10, warmUp: 20 },
        );
        return { mailboxes: queues.all().length, series, bodyBytes, models, timings };
      } finally {
        for (const { server } of [full, bare]) {
          server.closeAllConnections();
          await new Promise<void>((resolve) => server.close(() => resolve()));
        }
      }
    }),
  );
}
