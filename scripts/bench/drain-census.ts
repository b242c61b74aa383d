// What a timed drain cost besides time: the Redis commands it really sent, counted on the
// clients that send them (measured round trips per call, not the ones the code is meant to
// make), and the bench process's CPU. Server-side counters can't attribute commands here:
// INFO commandstats is global to a Redis that other runs share, and Redis 7.0's CLIENT LIST
// has no per-connection command count.

/** The platform's shared client (router, gate, budgets) or BullMQ's own worker connections. */
export type CommandSource = 'platform' | 'bullmq';

/** Commands sent while one drain was timed, by source and purpose, and the CPU it used. */
export interface DrainTally {
  /** Jobs drained while counting: one LLM call each on the platform legs. */
  jobs: number;
  /** Commands by purpose; a pipelined command's purpose reads `pipeline: <command>`. */
  counts: Record<CommandSource, Record<string, number>>;
  /** Request/reply exchanges: each command sent alone, plus each pipeline once. */
  roundTrips: Record<CommandSource, number>;
  /**
   * User + system CPU of the bench process (the worker under test) meanwhile. Other load on
   * the machine stretches wall time far more than it changes this.
   */
  cpuMs: number;
}

/** The platform's scripts, by the name they are defined under (libs/llm, libs/budget). */
const PURPOSES: Record<string, string> = {
  sbGateAcquire: 'gate acquire',
  sbGateRecord: 'gate record',
  sbGateCooldown: 'gate cooldown',
  sbBudgetReserve: 'budget reserve',
  sbBudgetSettle: 'budget settle',
  sbBudgetSweep: 'budget sweep',
};

interface SentCommand {
  name: string;
  args: unknown[];
}

/** What the census needs of an ioredis client (BullMQ's proxy writes through to one). */
interface CountableClient {
  sendCommand: (command: SentCommand, ...rest: unknown[]) => unknown;
  /** ioredis keeps every defineCommand script here with its SHA1 (public, if undocumented). */
  scriptsSet: Record<string, { sha: string }>;
}

export class DrainCensus {
  private counting = false;
  private counts = emptyCounts();
  private roundTrips = { platform: 0, bullmq: 0 };
  // ioredis hands every command of one pipeline the same stream object (isPipeline: true).
  private pipelines = new WeakSet<object>();
  private cpuAtStart: NodeJS.CpuUsage | undefined;
  private readonly restores: (() => void)[] = [];

  /**
   * Counts the commands `client` sends between `start` and `stop`. Every command goes through
   * the instance's sendCommand, pipelined ones and script calls included; a script call is
   * named by its SHA, looked up among the scripts defined on the client.
   */
  watch(client: object, source: CommandSource): void {
    const target = client as CountableClient;
    const own = Object.prototype.hasOwnProperty.call(target, 'sendCommand');
    const original = target.sendCommand;
    const scripts = new Map<string, string>();
    const purpose = (command: SentCommand): string => {
      if (command.name !== 'evalsha') return command.name;
      const sha = String(command.args[0]);
      if (!scripts.has(sha)) {
        // Scripts are defined lazily (budgets on first use): learn them when first seen.
        for (const [name, script] of Object.entries(target.scriptsSet)) {
          scripts.set(script.sha, PURPOSES[name] ?? `${name.replace(/:[\d.]+$/, '')} (script)`);
        }
      }
      if (!scripts.has(sha)) scripts.set(sha, 'evalsha (unknown script)');
      return scripts.get(sha) as string;
    };
    target.sendCommand = (command: SentCommand, ...rest: unknown[]) => {
      if (this.counting) this.count(source, purpose(command), rest[0]);
      return original.call(target, command, ...rest);
    };
    this.restores.push(() => {
      if (own) target.sendCommand = original;
      else delete (target as Partial<CountableClient>).sendCommand;
    });
  }

  private count(source: CommandSource, purpose: string, stream: unknown): void {
    const pipeline =
      typeof stream === 'object' && stream !== null && 'isPipeline' in stream && stream.isPipeline;
    const key = pipeline ? `pipeline: ${purpose}` : purpose;
    const bucket = this.counts[source];
    bucket[key] = (bucket[key] ?? 0) + 1;
    if (!pipeline) this.roundTrips[source] += 1;
    else if (!this.pipelines.has(stream)) {
      this.pipelines.add(stream);
      this.roundTrips[source] += 1;
    }
  }

  /** Zero, then count: call as the timer starts. */
  start(): void {
    this.counts = emptyCounts();
    this.roundTrips = { platform: 0, bullmq: 0 };
    this.counting = true;
    this.cpuAtStart = process.cpuUsage();
  }

  /** Stops counting, puts every client back as it was, and returns the counts. */
  stop(jobs: number): DrainTally {
    this.counting = false;
    for (const restore of this.restores.splice(0).reverse()) restore();
    const cpu = this.cpuAtStart ? process.cpuUsage(this.cpuAtStart) : { user: 0, system: 0 };
    this.cpuAtStart = undefined;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    return { jobs, counts: this.counts, roundTrips: { ...this.roundTrips }, cpuMs };
  }
}

function emptyCounts(): DrainTally['counts'] {
  return { platform: {}, bullmq: {} };
}

export function emptyTally(): DrainTally {
  return { jobs: 0, counts: emptyCounts(), roundTrips: { platform: 0, bullmq: 0 }, cpuMs: 0 };
}

/** Several drains' counts together (every round of a leg). */
export function mergeTallies(tallies: readonly DrainTally[]): DrainTally {
  const merged = emptyTally();
  for (const tally of tallies) {
    merged.jobs += tally.jobs;
    merged.cpuMs += tally.cpuMs;
    for (const source of ['platform', 'bullmq'] as const) {
      merged.roundTrips[source] += tally.roundTrips[source];
      for (const [key, n] of Object.entries(tally.counts[source])) {
        merged.counts[source][key] = (merged.counts[source][key] ?? 0) + n;
      }
    }
  }
  return merged;
}

/** Commands per drained job of one purpose (0 when none were sent). */
export function perJob(tally: DrainTally, source: CommandSource, purpose: string): number {
  return tally.jobs > 0 ? (tally.counts[source][purpose] ?? 0) / tally.jobs : NaN;
}

/** The bench process's CPU per drained job, in ms. */
export function cpuPerJobMs(tally: DrainTally): number {
  return tally.jobs > 0 ? tally.cpuMs / tally.jobs : NaN;
}

/** A source's round trips per drained job. */
export function roundTripsPerJob(tally: DrainTally, source: CommandSource): number {
  return tally.jobs > 0 ? tally.roundTrips[source] / tally.jobs : NaN;
}

/** All commands of a source per drained job. */
export function totalPerJob(tally: DrainTally, source: CommandSource): number {
  const sum = Object.values(tally.counts[source]).reduce((a, b) => a + b, 0);
  return tally.jobs > 0 ? sum / tally.jobs : NaN;
}
