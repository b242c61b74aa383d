import type { Redis } from 'ioredis';
import { LEARN_FACTOR_SCRIPT, RESERVE_SCRIPT, SETTLE_SCRIPT, SWEEP_SCRIPT } from './budget.scripts';

type Arg = string | number;
type Script = (numberOfKeys: number, ...args: Arg[]) => Promise<unknown>;
type BudgetRedis = Redis & {
  sbBudgetReserve?: Script;
  sbBudgetSettle?: Script;
  sbBudgetSweep?: Script;
  sbBudgetLearnFactor?: Script;
};

/** Redis key names of the budget; the prefix comes first so a `{hash tag}` keeps one slot. */
export class BudgetKeys {
  private readonly base: string;
  /** The stream of invocation rows: written with each settlement, drained to Postgres. */
  readonly invocations: string;
  /** Per model, how far its provider's input counts overran the bound reserved for them. */
  readonly inputFactors: string;

  constructor(prefix: string) {
    this.base = `${prefix}:budget`;
    this.invocations = `${prefix}:ledger:invocations`;
    this.inputFactors = `${this.base}:input-factor`;
  }

  /** A pool's counter for a period; a job pool's counter is per job instead. */
  counter(poolId: string, periodKey: string, jobId?: string | null): string {
    return jobId ? `${this.base}:${poolId}:job:${jobId}` : `${this.base}:${poolId}:${periodKey}`;
  }

  reservation(id: string): string {
    return `${this.base}:res:${id}`;
  }

  get reservations(): string {
    return `${this.base}:reservations`;
  }
}

/**
 * The budget scripts as ioredis commands: EVALSHA, with ioredis loading the script again
 * itself after a Redis restart (NOSCRIPT). Each call is one round trip.
 */
export class BudgetScripts {
  constructor(private readonly redis: Redis) {}

  async reserve(keys: string[], args: Arg[]): Promise<number[]> {
    const run = this.command('sbBudgetReserve', RESERVE_SCRIPT);
    return (await run(keys.length, ...keys, ...args)) as number[];
  }

  async settle(keys: string[], args: Arg[]): Promise<number[]> {
    const run = this.command('sbBudgetSettle', SETTLE_SCRIPT);
    return (await run(keys.length, ...keys, ...args)) as number[];
  }

  /** [charged, left for a later sweep] */
  async sweep(keys: string[], args: Arg[]): Promise<[number, number]> {
    const run = this.command('sbBudgetSweep', SWEEP_SCRIPT);
    return (await run(keys.length, ...keys, ...args)) as [number, number];
  }

  async learnFactor(keys: string[], args: Arg[]): Promise<void> {
    await this.command('sbBudgetLearnFactor', LEARN_FACTOR_SCRIPT)(keys.length, ...keys, ...args);
  }

  private command(name: keyof BudgetRedis & `sbBudget${string}`, lua: string): Script {
    const redis = this.redis as BudgetRedis;
    // No numberOfKeys: the key count is the first argument (pools vary per call).
    if (!redis[name]) redis.defineCommand(name, { lua });
    return (redis[name] as Script).bind(redis);
  }
}
