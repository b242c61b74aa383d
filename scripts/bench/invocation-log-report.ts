import { fixed } from './bench-output';
import { cpuPerJobMs, perJob, roundTripsPerJob, type DrainTally } from './drain-census';
import {
  LOG_PARTS,
  WARMUP_JOBS,
  type InvocationLogResult,
  type LogMode,
  type LogPair,
  type LogSide,
} from './invocation-log.leg';
import { splitLedgerTraffic, type LedgerSplit } from './ledger-census';

/** Issue 9's aim: the durable log keeps at least 95 % of the memory log's throughput. */
const AIM = 0.95;

const pct = (value: number) => `${fixed(value * 100, 1)} %`;
const POOLS_NAME = { none: 'none', pools: '3 (budgets on)' };

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Whether every round of both modes left exactly one `ok` row per job and an empty ledger. */
export function invocationRowsOk(result: InvocationLogResult): boolean {
  return result.pairs.every((p) => [...p.memory.rows, ...p.durable.rows].every((r) => r.ok));
}

/** Per call: the calls' own round trips, and the spend ledger's among them. */
function perCall(t: DrainTally): { all: number; ledger: number } {
  const { call } = splitLedgerTraffic(t);
  return t.jobs > 0
    ? { all: call.roundTrips / t.jobs, ledger: call.ledger / t.jobs }
    : { all: NaN, ledger: NaN };
}

/** The drainer's round trips per row it wrote while timed ('—' with the memory log). */
function drainerPerRow(s: LogSide, pick: (d: LedgerSplit['drainer']) => number): string {
  const drainer = splitLedgerTraffic(s.commands).drainer;
  return s.drainedRows > 0 ? fixed(pick(drainer) / s.drainedRows, 3) : '—';
}

/** Every purpose on the platform client, per call (the drainer's per call too, for scale). */
function byPurpose(t: DrainTally): string {
  return Object.entries(t.counts.platform)
    .sort(([, a], [, b]) => b - a)
    .map(([purpose, n]) => `${purpose} ${fixed(n / t.jobs, 3)}`)
    .join(', ');
}

export function renderInvocationLogSection(result: InvocationLogResult): string[] {
  const throughputRow = ({ pools, memory, durable, partRatios }: LogPair) => {
    const perRound = durable.rounds.map((v, i) => pct(v / memory.rounds[i])).join(' / ');
    const share = median(partRatios);
    return (
      `| ${POOLS_NAME[pools]} | ${result.jobsPerRound} | ${fixed(memory.jobsPerSecond)} | ` +
      `${fixed(durable.jobsPerSecond)} | ${pct(durable.jobsPerSecond / memory.jobsPerSecond)} | ` +
      `${perRound} | ${pct(Math.min(...partRatios))} – ${pct(Math.max(...partRatios))} | ` +
      `**${pct(share)}** | ${share >= AIM ? 'met' : 'not met'} |`
    );
  };
  const sides = result.pairs.flatMap((p) =>
    (['memory', 'durable'] as LogMode[]).map((mode): [LogPair, LogMode, LogSide] => [
      p,
      mode,
      p[mode],
    ]),
  );
  const wireRow = ([pair, mode, s]: [LogPair, LogMode, LogSide]) => {
    const t = s.commands;
    const call = perCall(t);
    const journal = perJob(t, 'platform', 'pipeline: hset');
    return (
      `| ${POOLS_NAME[pair.pools]} | ${mode} | ${t.jobs} | ` +
      `${fixed(perJob(t, 'platform', 'budget reserve'), 2)} | ` +
      `${fixed(perJob(t, 'platform', 'budget settle'), 2)} | ${fixed(journal, 2)} | ` +
      `**${fixed(call.ledger, 2)}** | ${fixed(call.all - call.ledger, 2)} | ${fixed(call.all, 2)} | ` +
      `${s.drainedRows} | ${drainerPerRow(s, (d) => d.reads)} | ` +
      `${drainerPerRow(s, (d) => d.ackPipelines)} | **${drainerPerRow(s, (d) => d.roundTrips)}** | ` +
      `${fixed(roundTripsPerJob(t, 'bullmq'), 2)} | ${fixed(cpuPerJobMs(t), 3)} |`
    );
  };
  const rowsRow = ([pair, mode, s]: [LogPair, LogMode, LogSide]) => {
    const total = (f: (r: LogSide['rows'][number]) => number) =>
      s.rows.reduce((a, r) => a + f(r), 0);
    const left = `${total((r) => r.streamEntries)} / ${total((r) => r.pendingEntries)} / ${total((r) => r.registrations)}`;
    return (
      `| ${POOLS_NAME[pair.pools]} | ${mode} | ${total((r) => r.jobs)} | ` +
      `${total((r) => r.completed)} | ${total((r) => r.rows)} | ${total((r) => r.exactlyOne)} | ` +
      `${left} | ${s.rows.every((r) => r.ok) ? 'yes' : '**NO**'} |`
    );
  };
  const headline = result.pairs
    .map(
      (p) =>
        `**${pct(median(p.partRatios))}** ${p.pools === 'none' ? 'without budget pools' : 'with budgets on'}`,
    )
    .join(' and ');
  const trips = (pools: 'none' | 'pools', mode: LogMode) => {
    const pair = result.pairs.find((p) => p.pools === pools);
    return pair ? fixed(perCall(pair[mode].commands).ledger, 2) : 'n/a';
  };
  const drained = (pools: 'none' | 'pools') => {
    const pair = result.pairs.find((p) => p.pools === pools);
    return pair ? drainerPerRow(pair.durable, (d) => d.roundTrips) : 'n/a';
  };
  return [
    '### Worker path: durable invocation log against the batched (memory) log',
    '',
    `| Budget pools | Jobs per side and round | Memory log: jobs/s (all drains) | Durable log: jobs/s (all drains) | Durable / memory, all drains | Durable / memory, each round | Back-to-back drains (range) | Median of back-to-back drains | Aim ≥ ${pct(AIM)} |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
    ...result.pairs.map(throughputRow),
    '',
    '| Budget pools | Log | Calls counted | Reserve script per call | Settle script per call | Answer-journal MULTI per call | Spend-ledger round trips per call | Other round trips per call (gate, job events) | All round trips per call, platform client, drainer excluded | Rows the drainer wrote while timed | Drainer XREADGROUP + XAUTOCLAIM per row | Drainer XACK+XDEL pipelines per row | Drainer round trips per row | BullMQ round trips per job | Worker CPU per job (ms) |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...sides.map(wireRow),
    '',
    '| Budget pools | Log | Jobs (all rounds, warm-up included) | Completed | Invocation rows | Jobs with exactly one `ok` row | Ledger left: stream entries / pending / registrations | Exactly one row per job |',
    '|---|---|---:|---:|---:|---:|---:|---|',
    ...sides.map(rowsRow),
    '',
    `With the durable invocation log the routed worker keeps ${headline} of its throughput with the batched in-memory log (median of back-to-back drains, concurrency ${result.concurrency}); the aim is at least ${pct(AIM)}. The spend ledger's round trips per LLM call, all awaited by the call: ${trips('none', 'durable')} durable against ${trips('none', 'memory')} memory without pools, ${trips('pools', 'durable')} durable against ${trips('pools', 'memory')} memory with budgets on; the durable drainer adds ${drained('none')} (no pools) and ${drained('pools')} (pools) round trips per row, off the call's path.`,
    '',
    'Notes:',
    `- Two platform contexts run side by side in the bench process, one with LLM_INVOCATION_LOG=memory and one with =durable, each in its own schema and queue prefix on the same Redis and PostgreSQL, both routing to the same fake OpenAI server (a child process) through LlmRouter, the provider gate and the \`openai\` SDK. Each has a tenant without budget pools and one with the budget leg's three pools. Per round (${result.rounds} rounds, fresh contexts each), every side first drains ${WARMUP_JOBS} untimed warm-up jobs, then its ${result.jobsPerRound} jobs in ${LOG_PARTS} drains at concurrency ${result.concurrency}; memory and durable drains of the same pool setting run back to back, which goes first alternating, so a burst of other work on the machine mostly hits both. Their median ratio is the figure to quote; "all drains" divides each side's jobs by its total timed time.`,
    "- Timed from the worker's main loop start to the last job's completion, submission untimed. The durable drainer runs in the same process, as in production: its XREADGROUP (blocking, LLM_INVOCATION_FLUSH_MS) and its Postgres inserts while timed count against the durable side; the rows still in the stream or the memory buffer when the last job completes are written after the timer stops (`InvocationLog.flush`), on both sides alike.",
    "- Redis commands are counted on the wire as in the budget leg (wrapping `sendCommand` on the shared client, BullMQ's connections and the drainer's own blocking connection). The calls' commands and the drainer's share the shared client, so they are told apart by purpose: the drainer's are XREADGROUP, XAUTOCLAIM and XGROUP, and one MULTI pipeline (MULTI, XACK, XDEL, EXEC) per batch written; everything else is per call. The spend ledger's per-call round trips are the RESERVE script (durable: it registers the call even with no pool) and the SETTLE script (durable: it XADDs the row and journals the answer), or, for a call that reserved nothing (memory log, no pool), the one MULTI that journals its answer (HSET + PEXPIRE); everything else per call is the same in both modes (the gate, the job's event stream). The drainer's traffic is per batch, divided here by the rows it wrote while timed (idle BLOCK timeouts and the periodic XAUTOCLAIM included).",
    `- The platform client's commands per call, by purpose (drainer included): ${sides.map(([p, mode, s]) => `**${POOLS_NAME[p.pools]}, ${mode}**: ${byPurpose(s.commands)}`).join('; ')}.`,
    '- After every round the bench checked, per tenant, that every job record completed with exactly one `ok` invocation row (no more, no fewer), that the ledger stream is empty with nothing pending or still registered, and, with budget pools, that each pool counted exactly the cost the log holds. The leg also fails unless each call sent exactly one reservation and one settlement in durable mode (with or without pools) and in memory mode with pools, and none in memory mode without.',
  ];
}
