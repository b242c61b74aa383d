// Counts the Redis commands a worker leg really sends, on the clients that send them, so the
// report gives measured round trips per call rather than the ones the code is meant to make.
// Server-side counters can't do this here: INFO commandstats is global to a Redis that other
// runs share, and Redis 7.0's CLIENT LIST has no per-connection command count.

/** The platform's shared client (router, gate, budgets) or BullMQ's own worker connections. */
export type CommandSource = 'platform' | 'bullmq';

/** Commands sent while one drain was timed, by source and purpose. */
export interface CommandTally {
  /** Jobs drained while counting: one LLM call each on the platform legs. */
  jobs: number;
  counts: Record<CommandSource, Record<string, number>>;
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

export class RedisCensus {
  private counting = false;
  private counts = emptyCounts();
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
      if (this.counting) {
        const bucket = this.counts[source];
        const key = purpose(command);
        bucket[key] = (bucket[key] ?? 0) + 1;
      }
      return original.call(target, command, ...rest);
    };
    this.restores.push(() => {
      if (own) target.sendCommand = original;
      else delete (target as Partial<CountableClient>).sendCommand;
    });
  }

  /** Zero, then count: call as the timer starts. */
  start(): void {
    this.counts = emptyCounts();
    this.counting = true;
  }

  /** Stops counting, puts every client back as it was, and returns the counts. */
  stop(jobs: number): CommandTally {
    this.counting = false;
    for (const restore of this.restores.splice(0).reverse()) restore();
    return { jobs, counts: this.counts };
  }
}

function emptyCounts(): CommandTally['counts'] {
  return { platform: {}, bullmq: {} };
}

export function emptyTally(): CommandTally {
  return { jobs: 0, counts: emptyCounts() };
}

/** Several drains' counts together (every round of a leg). */
export function mergeTallies(tallies: readonly CommandTally[]): CommandTally {
  const merged = emptyTally();
  for (const tally of tallies) {
    merged.jobs += tally.jobs;
    for (const source of ['platform', 'bullmq'] as const) {
      for (const [key, n] of Object.entries(tally.counts[source])) {
        merged.counts[source][key] = (merged.counts[source][key] ?? 0) + n;
      }
    }
  }
  return merged;
}

/** Commands per drained job of one purpose (0 when none were sent). */
export function perJob(tally: CommandTally, source: CommandSource, purpose: string): number {
  return tally.jobs > 0 ? (tally.counts[source][purpose] ?? 0) / tally.jobs : NaN;
}

/** All commands of a source per drained job. */
export function totalPerJob(tally: CommandTally, source: CommandSource): number {
  const sum = Object.values(tally.counts[source]).reduce((a, b) => a + b, 0);
  return tally.jobs > 0 ? sum / tally.jobs : NaN;
}
