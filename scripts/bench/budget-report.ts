import { fixed } from './bench-output';
import { PAIR_PARTS } from './budget-pair.leg';
import type { BenchSettings } from './bench-settings';
import {
  cpuPerJobMs,
  perJob,
  roundTripsPerJob,
  totalPerJob,
  type DrainTally,
} from './drain-census';
import type { WorkerLegResult } from './raw-bullmq.leg';
import type { BestOf, BudgetPairs, WorkerLegs } from './worker-legs';

/** The issue's aim: with budgets on, at least 90 % of the throughput with budgets off. */
const AIM = 0.9;

const PLATFORM_PURPOSES = ['gate acquire', 'gate record', 'budget reserve', 'budget settle'];

const pct = (value: number) => `${fixed(value * 100, 1)} %`;
const signedMicros = (ms: number) => `${ms >= 0 ? '+' : '−'}${fixed(Math.abs(ms) * 1000)} µs`;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The routed worker with budgets on against the same worker with budgets off. */
export function renderBudgetWorkerSection(settings: BenchSettings, legs: WorkerLegs): string[] {
  const throughputRow = ({ concurrency, off, on, partRatios }: BudgetPairs) => {
    const perRound = on.rounds.map((v, i) => pct(v / off.rounds[i])).join(' / ');
    const share = median(partRatios);
    return (
      `| ${concurrency} | ${on.jobs} | ${fixed(off.jobsPerSecond)} | ${fixed(on.jobsPerSecond)} | ` +
      `${pct(on.jobsPerSecond / off.jobsPerSecond)} | ${perRound} | ` +
      `${pct(Math.min(...partRatios))} – ${pct(Math.max(...partRatios))} | **${pct(share)}** | ` +
      `${share >= AIM ? 'met' : 'not met'} |`
    );
  };
  const cpuRow = ({ concurrency, off, on }: BudgetPairs) => {
    const [cpuOff, cpuOn] = [cpuPerJobMs(off.commands), cpuPerJobMs(on.commands)];
    return (
      `| ${concurrency} | ${fixed(cpuOff, 3)} | ${fixed(cpuOn, 3)} | ` +
      `${signedMicros(cpuOn - cpuOff)} | ${pct(cpuOff / cpuOn)} |`
    );
  };
  const headline = legs.budget
    .map((p) => `**${pct(median(p.partRatios))}** at concurrency ${p.concurrency}`)
    .join(' and ');
  const spent = [...new Set(legs.budget.flatMap((p) => p.checks.map((c) => c.spentMicros)))];
  const pairs = legs.budget[0]?.partRatios.length ?? 0;
  return [
    '### Worker path: budgets on against budgets off',
    '',
    '| Concurrency | Jobs per side and round | Budgets off: jobs/s (best round) | Budgets on: jobs/s (best round) | On / off, best rounds | On / off, each round | On / off, back-to-back drains (range) | On / off, median of back-to-back drains | Aim ≥ 90 % |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...legs.budget.map(throughputRow),
    '',
    "| Concurrency | Worker CPU per job, budgets off (ms) | Worker CPU per job, budgets on (ms) | Budgets' worker CPU per call | Off / on worker CPU per job |",
    '|---:|---:|---:|---:|---:|',
    ...legs.budget.map(cpuRow),
    '',
    `With budgets on, the routed worker keeps ${headline} of its throughput with budgets off (median of back-to-back drains); the aim is at least ${pct(AIM)}.`,
    '',
    'Notes:',
    `- The routed worker leg (JobRunner, chat actor, LlmRouter, provider gate, \`openai\` SDK over HTTP to the fake OpenAI server in a child process, invocation log on) runs once per concurrency and round for two tenants in turn, in one platform context; its budgets-off side is the routed leg of the previous section. Every job is submitted with its tenant's API key id, as POST /v1/jobs submits it. **Budgets off**: that tenant has no pool; the router still asks the BudgetService, which finds none in its pool cache and sends nothing to Redis (the path of any tenant without budgets). **Budgets on**: that tenant has a daily hard tenant pool ($1,000), a monthly soft tenant pool ($10,000) and a daily hard pool on its key ($1,000), so each call's one reservation script holds its worst case in three counters and its one settlement script settles all three. The limits are far above what a leg spends: nothing was refused or shortened.`,
    `- Each side's jobs run as ${PAIR_PARTS} drains per round, the sides taking turns (off on, on off, …; timed like the routed leg, from the worker's main loop start to the last completion, submission untimed). Back-to-back drains are seconds apart, so a burst of other work on the machine mostly hits both sides of a pair; their median ratio over all ${pairs} pairs is the figure to quote. "Best round" takes each side's best round (all its drains' jobs over their time), "each round" divides the two sides within a round.`,
    `- After every leg the bench checked that each pool's \`spent\` in Redis (BudgetService.status) equals the sum of \`cost_micros\` in \`llm_invocations\` for the budgeted tenant (${spent.join(', ')} µ$ per leg), that nothing is left \`reserved\`, that every job record completed with one \`ok\` invocation row, and that exactly one reservation and one settlement per call went to Redis for the budgeted tenant and none for the other. Any mismatch fails the bench.`,
    "- Worker CPU is the bench process's user + system CPU while the drains were timed, all rounds, per job: the worker under test, not Redis, PostgreSQL or the fake server. Other load on the machine stretches wall time more than CPU time, but contention inflates CPU time too, so read \"off / on worker CPU\" as a second estimate of the throughput share where the worker's Node thread is the limit (concurrency 50 on an idle machine), not as a precise one. At concurrency 1 it also counts the event loop waking for each awaited round trip. The Redis server's own work for the two scripts is not in it.",
  ];
}

type NamedLeg = [string, BestOf<WorkerLegResult>];

/** Measured Redis commands per LLM call, by purpose, for every worker leg. */
export function renderRedisCommandsSection(legs: WorkerLegs): string[] {
  const named: NamedLeg[] = [
    ...legs.raw.map((leg): NamedLeg => ['Raw BullMQ, no-op', leg]),
    ...legs.platform.map((leg): NamedLeg => [
      `Platform, simulated LLM${leg.logs ? ', logs on' : ''}`,
      leg,
    ]),
    ...legs.budget.flatMap((p): NamedLeg[] => [
      ['Routed, budgets off', p.off],
      ['Routed, budgets on', p.on],
    ]),
  ];
  const row = ([name, leg]: NamedLeg) => {
    const t = leg.commands;
    const platform =
      'llm' in leg
        ? [
            ...PLATFORM_PURPOSES.map((p) => fixed(perJob(t, 'platform', p), 2)),
            fixed(otherPerJob(t), 2),
            `**${both(t, 'platform')}**`,
          ]
        : [...PLATFORM_PURPOSES.map(() => '—'), '—', '—'];
    return (
      `| ${name} | ${leg.concurrency} | ${t.jobs} | ${platform.join(' | ')} | ` +
      `${both(t, 'bullmq')} | ${fixed(cpuPerJobMs(t), 3)} |`
    );
  };
  const pair50 = legs.budget.find((p) => p.concurrency === 50);
  const raw50 = legs.raw.find((leg) => leg.concurrency === 50);
  const budgetCalls = (t: DrainTally | undefined, purpose: string) =>
    t ? perJob(t, 'platform', purpose) : NaN;
  const [reserve, settle] = ['budget reserve', 'budget settle'].map(
    (p) => budgetCalls(pair50?.on.commands, p) - budgetCalls(pair50?.off.commands, p),
  );
  return [
    '### Redis commands per LLM call (counted on the wire)',
    '',
    '| Worker leg | Concurrency | Calls counted | Gate acquire | Gate record | Budget reserve | Budget settle | Other commands, platform client | Platform client: commands / round trips | BullMQ connections: commands / round trips | Worker CPU per job (ms) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...named.map(row),
    '',
    `Budgets add ${fixed(reserve + settle, 2)} Redis commands and as many round trips per call at concurrency 50 (reserve ${fixed(reserve, 2)}, settle ${fixed(settle, 2)}; both awaited by the call). The rest of the platform client's traffic per call is the same with budgets on and off, give or take the gate's cache: ${pair50 ? `${both(pair50.off.commands, 'platform')} off, ${both(pair50.on.commands, 'platform')} on` : 'n/a'} (commands / round trips, all included).`,
    '',
    'Notes:',
    "- Counted in the bench process by wrapping `sendCommand` on the ioredis clients themselves, from the start of the worker's main loop to the last job's completion, in every round (the table sums all rounds; one job = one LLM call on the platform legs). Every command a client sends goes through it, pipelined and script calls included; script calls (EVALSHA) are named by their SHA against the scripts defined on the client. A round trip is a command sent on its own, or a whole pipeline (MULTI/EXEC included), whose commands read `pipeline: …`. The wrappers are on in every leg alike (a counter increment per command).",
    `- **Platform client** is the process's shared ioredis connection (REDIS_CLIENT): the provider gate (acquire awaited before the call unless this process saw the circuit closed less than LLM_GATE_CACHE_MS ago; record sent after the call, not awaited) and budgets (reserve awaited before the call, settle awaited after it). "Other" is everything else it sent meanwhile; per call, ${others('routed, budgets on, c=50', pair50?.on.commands)}.`,
    `- **BullMQ connections** are the worker's own two connections (commands and blocking), attributed by connection: BullMQ's per-job work (fetch, lock, complete, lock renewal, stalled checks), the same with or without budgets. Per job: ${bullmq('raw BullMQ c=50', raw50?.commands)}; ${bullmq('routed, budgets off, c=50', pair50?.off.commands)}; ${bullmq('routed, budgets on, c=50', pair50?.on.commands)}.`,
    "- Not counted: the BullMQ producer's commands when the jobs were submitted (untimed, before the drain), and other processes' Redis traffic (the fake OpenAI server has none).",
  ];
}

const both = (t: DrainTally, source: 'platform' | 'bullmq') =>
  `${fixed(totalPerJob(t, source), 2)} / ${fixed(roundTripsPerJob(t, source), 2)}`;

function otherPerJob(t: DrainTally): number {
  const known = PLATFORM_PURPOSES.reduce((sum, p) => sum + (t.counts.platform[p] ?? 0), 0);
  const all = Object.values(t.counts.platform).reduce((a, b) => a + b, 0);
  return t.jobs > 0 ? (all - known) / t.jobs : NaN;
}

function perCall(entries: [string, number][], jobs: number): string {
  const parts = entries
    .sort(([, a], [, b]) => b - a)
    .map(([purpose, n]) => `${purpose} ${fixed(n / jobs, 3)}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

function others(name: string, tally: DrainTally | undefined): string {
  if (!tally) return `${name}: n/a`;
  const entries = Object.entries(tally.counts.platform).filter(
    ([k]) => !PLATFORM_PURPOSES.includes(k),
  );
  return `${name}: ${perCall(entries, tally.jobs)}`;
}

function bullmq(name: string, tally: DrainTally | undefined): string {
  if (!tally) return `${name}: n/a`;
  return `${name}: ${perCall(Object.entries(tally.counts.bullmq), tally.jobs)}`;
}
