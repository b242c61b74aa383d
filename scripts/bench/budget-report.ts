import { fixed } from './bench-output';
import type { BenchSettings } from './bench-settings';
import type { WorkerLegResult } from './raw-bullmq.leg';
import { perJob, totalPerJob, type CommandTally } from './redis-census';
import type { BestOf, WorkerLegs } from './worker-legs';

/** The aim: with budgets on, at least 90 % of the throughput with budgets off. */
const AIM = 0.9;

const PLATFORM_PURPOSES = ['gate acquire', 'gate record', 'budget reserve', 'budget settle'];

const pct = (value: number) => `${fixed(value * 100, 1)} %`;

/** Routed worker legs with budgets on against the same legs with budgets off, same rounds. */
export function renderBudgetWorkerSection(settings: BenchSettings, legs: WorkerLegs): string[] {
  const pairs = legs.budgeted.flatMap((on) => {
    const off = legs.routed.find((leg) => leg.concurrency === on.concurrency);
    return off ? [{ on, off }] : [];
  });
  const row = ({ on, off }: (typeof pairs)[number]) => {
    const perRound = on.rounds.map((v, i) => pct(v / off.rounds[i])).join(' / ');
    const share = on.jobsPerSecond / off.jobsPerSecond;
    return (
      `| ${on.concurrency} | ${on.jobs} | ${fixed(off.jobsPerSecond)} | ${fixed(on.jobsPerSecond)} | ` +
      `**${pct(share)}** | ${perRound} | ${fixed(1000 / on.jobsPerSecond - 1000 / off.jobsPerSecond, 3)} | ` +
      `${share >= AIM ? 'met' : 'not met'} |`
    );
  };
  const headline = pairs
    .map(
      ({ on, off }) =>
        `${pct(on.jobsPerSecond / off.jobsPerSecond)} at concurrency ${on.concurrency}`,
    )
    .join(', ');
  const checks = legs.budgeted.map((leg) => leg.budgetCheck).filter((c) => c !== undefined);
  const spent = checks.map((c) => c.spentMicros);
  return [
    '### Worker path: budgets on against budgets off',
    '',
    '| Concurrency | Jobs | Budgets off: jobs/s (best) | Budgets on: jobs/s (best) | On / off (best rounds) | On / off per round | Extra ms per job (best rounds) | Aim ≥ 90 % |',
    '|---:|---:|---:|---:|---:|---:|---:|---|',
    ...pairs.map(row),
    '',
    `With budgets on the routed worker keeps ${headline} of its throughput with budgets off; the aim is at least ${pct(AIM)}.`,
    '',
    'Notes:',
    `- Both legs are the routed worker leg above (JobRunner, chat actor, LlmRouter, provider gate, \`openai\` SDK over HTTP to the fake OpenAI server in a child process, invocation log on). Every job is submitted with the bench tenant's API key id, as POST /v1/jobs submits it. **Budgets off**: the tenant has no pool; the router still asks the BudgetService, which finds none in its pool cache and sends nothing to Redis (the path of any tenant without budgets). **Budgets on**: the tenant has a daily hard tenant pool ($1,000), a monthly soft tenant pool ($10,000) and a daily hard pool on the key ($1,000), so each call's one reservation script holds its worst case in three counters and its one settlement script settles all three. The limits are far above what a leg spends, so nothing was refused or shortened.`,
    `- After every budgets-on drain the leg checked that each pool's \`spent\` in Redis (BudgetService.status) equals the sum of \`cost_micros\` in the leg's \`llm_invocations\` (${[...new Set(spent)].join(', ')} µ$ per leg), that nothing is left \`reserved\`, and that exactly one reservation and one settlement per call went to Redis; after every budgets-off drain, that none did. Any mismatch fails the bench.`,
    `- The two legs ran back to back in each of the ${settings.rounds} rounds, the order swapped every round; "per round" divides the two legs' jobs/s of the same round, the bold figure the best rounds'. Extra ms per job is 1000/jobs/s on minus off: at concurrency 50, wall time per job, not the latency of one call.`,
  ];
}

/** Measured Redis commands per LLM call, by purpose, for every worker leg. */
export function renderRedisCommandsSection(legs: WorkerLegs): string[] {
  const named: [string, BestOf<WorkerLegResult>][] = [
    ...legs.raw.map((leg): [string, BestOf<WorkerLegResult>] => ['Raw BullMQ, no-op', leg]),
    ...legs.platform.map((leg): [string, BestOf<WorkerLegResult>] => [
      `Platform, simulated LLM${leg.logs ? ', logs on' : ''}`,
      leg,
    ]),
    ...legs.routed.map((leg): [string, BestOf<WorkerLegResult>] => ['Routed, budgets off', leg]),
    ...legs.budgeted.map((leg): [string, BestOf<WorkerLegResult>] => ['Routed, budgets on', leg]),
  ];
  const row = ([name, leg]: [string, BestOf<WorkerLegResult>]) => {
    const t = leg.commands;
    const isRaw = !('llm' in leg);
    const platform = isRaw
      ? PLATFORM_PURPOSES.map(() => '—').concat('—', '—')
      : [
          ...PLATFORM_PURPOSES.map((p) => fixed(perJob(t, 'platform', p), 2)),
          fixed(otherPerJob(t), 2),
          `**${fixed(totalPerJob(t, 'platform'), 2)}**`,
        ];
    return `| ${name} | ${leg.concurrency} | ${t.jobs} | ${platform.join(' | ')} | ${fixed(totalPerJob(t, 'bullmq'), 2)} |`;
  };
  const on50 = legs.budgeted.find((leg) => leg.concurrency === 50);
  const off50 = legs.routed.find((leg) => leg.concurrency === 50);
  const raw50 = legs.raw.find((leg) => leg.concurrency === 50);
  const others = new Set(
    named.flatMap(([, leg]) =>
      Object.keys(leg.commands.counts.platform).filter((k) => !PLATFORM_PURPOSES.includes(k)),
    ),
  );
  return [
    '### Redis commands per LLM call (counted on the wire)',
    '',
    '| Worker leg | Concurrency | Calls counted | Gate acquire | Gate record | Budget reserve | Budget settle | Other, platform client | Platform client total | BullMQ connections, per job |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...named.map(row),
    '',
    ...(on50 && off50
      ? [
          `Budgets add ${fixed(totalPerJob(on50.commands, 'platform') - totalPerJob(off50.commands, 'platform'), 2)} Redis commands per call at concurrency 50 (reserve + settle, each its own round trip, both awaited by the call).`,
          '',
        ]
      : []),
    'Notes:',
    "- Counted in the bench process by wrapping `sendCommand` on the ioredis clients themselves, between the start of the worker's main loop and the last job's completion, in every round (the table sums all rounds; one job = one LLM call on the platform legs). Every command a client sends goes through it, pipelined and script calls included; script calls (EVALSHA) are named by their SHA against the scripts defined on the client. Each counted command is one request and one reply; none of these are pipelined. The wrappers are on in every leg alike (a counter increment per command).",
    "- **Platform client** is the process's shared ioredis connection (REDIS_CLIENT): the provider gate (acquire awaited before the call, unless the process saw the circuit closed less than LLM_GATE_CACHE_MS ago; record sent after it, not awaited) and budgets (reserve awaited before the call, settle awaited after it). " +
      (others.size > 0
        ? `"Other" is everything else it sent meanwhile: ${[...others].join(', ')}.`
        : '"Other": it sent nothing else while the drains were timed.'),
    `- **BullMQ connections** are the worker's own two connections (commands and blocking), attributed by connection: BullMQ's per-job work (fetch, lock, complete, lock renewal, stalled checks), the same with or without budgets. By script, per job: ${breakdown('raw BullMQ c=50', raw50?.commands)}; ${breakdown('routed, budgets off, c=50', off50?.commands)}; ${breakdown('routed, budgets on, c=50', on50?.commands)}.`,
    "- Not counted: the BullMQ producer's commands when the jobs were submitted (untimed, before the drain), and Redis traffic of other processes (the fake OpenAI server uses none).",
  ];
}

function otherPerJob(t: CommandTally): number {
  const known = PLATFORM_PURPOSES.reduce((sum, p) => sum + (t.counts.platform[p] ?? 0), 0);
  const all = Object.values(t.counts.platform).reduce((a, b) => a + b, 0);
  return t.jobs > 0 ? (all - known) / t.jobs : NaN;
}

function breakdown(name: string, tally: CommandTally | undefined): string {
  if (!tally) return `${name}: n/a`;
  const parts = Object.entries(tally.counts.bullmq)
    .sort(([, a], [, b]) => b - a)
    .map(([purpose, n]) => `${purpose} ${fixed(n / tally.jobs, 3)}`);
  return `${name}: ${parts.join(', ')}`;
}
