import { fixed, megabytes, ratio } from './bench-output';
import type { BenchSettings } from './bench-settings';
import type { PgLatency } from './pg-latency.probe';
import type { PlatformLegResult } from './platform-worker.leg';
import type { BestOf, BudgetPairs } from './worker-legs';
import type { ProcessMemory } from './proc-memory';
import type { WorkerLegResult } from './raw-bullmq.leg';
import type { RouterOverheadResult } from './router-overhead.leg';
import { renderBudgetWorkerSection, renderRedisCommandsSection } from './budget-report';
import { renderRoutedWorkerSection, renderRouterSection } from './router-report';
import type { SubmissionLegResult } from './submission.leg';

export interface BenchResults {
  machine: string;
  raw: BestOf<WorkerLegResult>[];
  platform: BestOf<PlatformLegResult>[];
  /** Platform legs whose LLM calls go through the router to a fake OpenAI server. */
  routed: BestOf<PlatformLegResult>[];
  /** The routed worker with budgets off and on, taking turns. */
  budget: BudgetPairs[];
  router: RouterOverheadResult;
  benchMemory: ProcessMemory;
  submission: SubmissionLegResult;
  /** 1-minute load averages: at the start, after the worker legs, at the end. */
  loads: number[];
  /** PostgreSQL latency before and after the platform legs. */
  pg: PgLatency[];
}

/** The markdown summary printed at the end of the run. */
export function renderReport(settings: BenchSettings, r: BenchResults): string {
  const rawAt = (c: number) => r.raw.find((leg) => leg.concurrency === c)?.jobsPerSecond ?? NaN;
  const workerRow = (leg: BestOf<WorkerLegResult>, note: string) =>
    `| ${leg.label}${note} | ${leg.concurrency} | ${leg.jobs} | ${fixed(leg.ms / 1000, 2)} | ` +
    `${fixed(leg.jobsPerSecond)} | ${leg.rounds.map((v) => fixed(v)).join(' / ')} | ` +
    `${ratio(leg.jobsPerSecond, rawAt(leg.concurrency))} | ${fixed(leg.preparePerSecond)} |`;
  const { live, submit } = r.submission;
  const httpRow = (name: string, h: typeof live) =>
    `| ${name} | ${fixed(h.requestsPerSecond)} | ${fixed(h.p50Ms)} | ${fixed(h.p99Ms)} | ` +
    `${h.total} | ${h.non2xx} | ${h.errors} | ${ratio(h.requestsPerSecond, live.requestsPerSecond)} |`;
  return [
    `## Switchboard bench (${new Date().toISOString()})`,
    '',
    `Machine: ${r.machine}; 1-min load average ${r.loads.map((l) => l.toFixed(2)).join(' → ')}`,
    '',
    '| Worker leg | Concurrency | Jobs | Time (s) | Jobs/s (best) | Rounds (jobs/s) | vs raw | Prepare/s |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...r.raw.map((leg) => workerRow(leg, '')),
    ...r.platform.map((leg) =>
      workerRow(leg, leg.logs ? `, logs on (${leg.logs.lines} lines to /dev/null)` : ', logs off'),
    ),
    '',
    `| Submission (${settings.connections} connections, ${settings.durationS} s) | Req/s | p50 ms | p99 ms | Requests | Non-2xx | Errors | vs /health/live |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    httpRow('GET /health/live (HTTP stack only)', live),
    httpRow('POST /v1/jobs (chat, tier 1)', submit),
    '',
    '| Memory | RSS | Peak RSS |',
    '|---|---:|---:|',
    `| Bench process after the platform legs | ${megabytes(r.benchMemory.rss)} | ${megabytes(r.benchMemory.peak)} |`,
    `| API child after POST /v1/jobs load | ${megabytes(r.submission.apiMemory.rss)} | ${megabytes(r.submission.apiMemory.peak)} |`,
    '',
    'Notes:',
    `- Each worker leg ran ${settings.rounds} times, interleaved with the others; the table shows the best round (time, jobs/s, ratio) and every round's jobs/s.`,
    '- Worker legs are timed from the worker\'s main loop start until every job has completed; jobs are added before the timer starts ("Prepare/s": addBulk for raw, JobSubmissionService.submit with 50 in flight for the platform).',
    '- Raw and platform jobs carry the same payload and BullMQ options (catalogue retention: removeOnComplete by count and age).',
    '- "logs off" runs at LOG_LEVEL=warn, so it excludes the wrapper\'s two per-job log lines; the "logs on" leg runs at LOG_LEVEL=log with stdout sent to /dev/null.',
    `- PostgreSQL latency before → after the platform legs: round trip ${r.pg.map((p) => fixed(p.roundTripMs, 2)).join(' → ')} ms, one-row UPDATE commit ${r.pg.map((p) => fixed(p.commitMs, 2)).join(' → ')} ms. The wrapper commits twice per job (markActive, markCompleted), so at concurrency 1 commits alone cap the platform near ${r.pg.map((p) => fixed(1000 / (2 * p.commitMs))).join(' → ')} jobs/s; commit latency swings with other load on the same disk.`,
    `- Platform legs use DATABASE_POOL_SIZE=${settings.poolSize ?? '10 (default)'}; the simulated provider runs at 0 ms latency and 1M tokens/s.`,
    `- POST /v1/jobs wrote ${r.submission.records} job records (warm-up included); autocannon runs in the bench process on the same machine as the API, Redis and PostgreSQL.`,
    '',
    ...renderRouterSection(r.router),
    '',
    ...renderRoutedWorkerSection(settings, r.raw, r.platform, r.routed),
    '',
    ...renderBudgetWorkerSection(settings, r),
    '',
    ...renderRedisCommandsSection(r),
  ].join('\n');
}
