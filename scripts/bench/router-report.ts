import { fixed, ratio } from './bench-output';
import { PAIR_PARTS } from './budget-pair.leg';
import type { BenchSettings } from './bench-settings';
import { FAKE_TOKENS } from './fake-openai';
import type { LatencySummary } from './latency-stats';
import type { PlatformLegResult } from './platform-worker.leg';
import type { WorkerLegResult } from './raw-bullmq.leg';
import type { CallFigures, RouterOverheadResult } from './router-overhead.leg';
import type { BestOf } from './worker-legs';

/** The aim: router and invocation logging together add under 1 ms at the median. */
const AIM_MS = 1;

const ms = (value: number) => fixed(value, 3);
const signed = (value: number, digits = 3) =>
  `${value >= 0 ? '+' : '−'}${fixed(Math.abs(value), digits)}`;

const PATHS: [keyof CallFigures, string][] = [
  ['direct', 'openai SDK directly (baseline)'],
  ['adapter', 'adapter alone (SDK + normalising)'],
  ['router', 'LlmRouter + gate + invocation log'],
  ['budgeted', 'LlmRouter + gate + log + budgets (one tenant pool)'],
];

/** Latency per call of the three paths, and the router's overhead over the baseline. */
export function renderRouterSection(r: RouterOverheadResult): string[] {
  const { plan } = r;
  const row = (kind: string, figures: CallFigures, path: keyof CallFigures, label: string) => {
    const p: LatencySummary = figures[path];
    const base = figures.direct;
    const extra =
      path === 'direct'
        ? '— | —'
        : `${signed(p.medianMs - base.medianMs)} | ${signed(p.p99Ms - base.p99Ms)}`;
    return (
      `| ${kind} | ${label} | ${ms(p.medianMs)} | ${ms(p.p99Ms)} | ${ms(p.meanMs)} | ` +
      `${ratio(p.medianMs, base.medianMs)} | ${extra} |`
    );
  };
  const overhead = (f: CallFigures) => f.router.medianMs - f.direct.medianMs;
  const worst = Math.max(overhead(r.chat), overhead(r.stream));
  const budgetMedian = (f: CallFigures) => f.budgeted.medianMs - f.router.medianMs;
  const budgetP99 = (f: CallFigures) => f.budgeted.p99Ms - f.router.p99Ms;
  const { ping, acquire, budget } = r.redis;
  return [
    `### LLM router overhead per call (${plan.calls} sequential calls per path)`,
    '',
    '| Call | Path | Median ms | p99 ms | Mean ms | Median vs baseline | Overhead at median (ms) | Overhead at p99 (ms) |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...PATHS.map(([path, label]) => row('chat', r.chat, path, label)),
    ...PATHS.map(([path, label]) => row('stream', r.stream, path, label)),
    '',
    `Router and invocation logging together add ${signed(overhead(r.chat))} ms (chat) and ` +
      `${signed(overhead(r.stream))} ms (stream) per call at the median; the aim is below ` +
      `${AIM_MS} ms: **${worst < AIM_MS ? 'met' : 'not met'}**.`,
    '',
    `Budgets (a reservation before the call, a settlement after it) add ` +
      `${signed(budgetMedian(r.chat))} ms (chat) and ${signed(budgetMedian(r.stream))} ms ` +
      `(stream) at the median over the router path, ${signed(budgetP99(r.chat))} ms and ` +
      `${signed(budgetP99(r.stream))} ms at p99. The two scripts alone, awaited back to back ` +
      `on the same client: median ${ms(budget.medianMs)} ms, p99 ${ms(budget.p99Ms)} ms ` +
      `(a PING: ${ms(ping.medianMs)} ms).`,
    '',
    'Notes:',
    `- Every call asks the same fake OpenAI server (started in the bench process, reached over loopback HTTP through the official \`openai\` SDK) for a ${FAKE_TOKENS}-token answer; streams ask for usage in the last chunk (\`include_usage\`). The baseline SDK client is configured as the adapter configures it (maxRetries 0, same baseURL).`,
    `- The four paths take turns in rounds of ${plan.roundSize} calls (A B C D, then D C B A, …) after ${plan.warmUp} untimed warm-up calls each, so other load on the machine hits all of them alike. A call is timed from before the request until the caller holds the whole answer (for streams: the last event).`,
    '- "Overhead at p99" is the difference of the two p99s, not a percentile of per-call differences.',
    `- The router path includes what production does around each call: candidate planning, the provider gate in Redis (an acquire EVALSHA awaited before the call, unless this process saw the circuit closed less than LLM_GATE_CACHE_MS ago, and a record EVALSHA sent after it without waiting), an attempt deadline timer, cost computation and one row buffered in the invocation log, which writes batches to PostgreSQL (\`llm_invocations\`) in the background. The leg checked that it wrote ${r.rows} rows, all \`ok\`: one per routed call, warm-up included. This path has no budget (the router gets no \`CallBudget\`).`,
    `- The budgets path is the same router given the real \`BudgetService\`, calling for a tenant with one daily hard tenant pool (limit $1,000, never approached): before each call it awaits the reservation script (EVALSHA), after it the settlement script (EVALSHA); the pool definitions come from the service's in-process cache (a PostgreSQL read every BUDGET_POOL_CACHE_MS). Afterwards the pool's \`spent\` in Redis equalled the invocation log's cost for that tenant (${r.budget.spentMicros} µ$) with nothing reserved, or the bench would have failed.`,
    `- The awaited Redis steps on their own, sequential on the same client: the gate's EVALSHA acquire (asking Redis every time) median ${ms(acquire.medianMs)} ms, p99 ${ms(acquire.p99Ms)} ms; budget reserve + settle (two EVALSHA) median ${ms(budget.medianMs)} ms, p99 ${ms(budget.p99Ms)} ms; a bare PING median ${ms(ping.medianMs)} ms, p99 ${ms(ping.p99Ms)} ms.`,
  ];
}

/** The platform worker with real routing, against raw BullMQ and the simulated platform. */
export function renderRoutedWorkerSection(
  settings: BenchSettings,
  raw: BestOf<WorkerLegResult>[],
  simulated: BestOf<PlatformLegResult>[],
  routed: BestOf<PlatformLegResult>[],
): string[] {
  const at = (legs: WorkerLegResult[], c: number) =>
    legs.find((leg) => leg.concurrency === c && !('logs' in leg && leg.logs))?.jobsPerSecond ?? NaN;
  const row = (leg: BestOf<PlatformLegResult>) =>
    `| ${leg.label} | ${leg.concurrency} | ${leg.jobs} | ${fixed(leg.ms / 1000, 2)} | ` +
    `${fixed(leg.jobsPerSecond)} | ${leg.rounds.map((v) => fixed(v)).join(' / ')} | ` +
    `${ratio(leg.jobsPerSecond, at(raw, leg.concurrency))} | ` +
    `${ratio(leg.jobsPerSecond, at(simulated, leg.concurrency))} | ${fixed(leg.preparePerSecond)} |`;
  const perJob = (legs: WorkerLegResult[]) => 1000 / at(legs, 1);
  return [
    '### Worker path with real routing and invocation logging',
    '',
    '| Worker leg | Concurrency | Jobs | Time (s) | Jobs/s (best) | Rounds (jobs/s) | vs raw | vs simulated platform | Prepare/s |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...routed.map(row),
    '',
    'Notes:',
    `- The same chat jobs as the platform legs above, in the same rounds, submitted by a tenant without budget pools, but the catalogue (LLM_CATALOGUE_FILE) has one OpenAI-compatible provider with one priced tier-1 model, served by the fake OpenAI server running in a child process (so the worker pays only its own side of each call, as with a remote provider): every job's call goes through the router, the provider gate in Redis and the \`openai\` SDK over loopback HTTP (${FAKE_TOKENS}-token answers). "vs raw" compares with raw BullMQ at the same concurrency, "vs simulated platform" with the platform leg whose provider is the in-process simulated one (logs off in both).`,
    `- Each round drains these jobs in ${PAIR_PARTS} parts, taking turns with the same number of jobs for a tenant with budgets on (next section); the figures are all parts' jobs over their timed milliseconds. After each leg the bench checked that \`llm_invocations\` holds exactly one \`ok\` row per job (the simulated legs are checked the same way).`,
    `- At concurrency 1 a job takes ${fixed(perJob(raw), 2)} ms with raw BullMQ, ${fixed(perJob(simulated), 2)} ms on the simulated platform and ${fixed(perJob(routed), 2)} ms routed (best rounds): ${signed(perJob(routed) - perJob(simulated), 2)} ms per job for a real HTTP call and the gate, next to the simulated provider (which goes through the router and the log too, but has no gate and no HTTP).`,
    `- Routed legs ran ${settings.jobsC1} jobs at concurrency 1 and ${settings.jobs} at 50, like the others.`,
  ];
}
