import type { INestApplicationContext } from '@nestjs/common';
import type { Config } from '@switchboard/config';
import { InvocationDrain } from '@switchboard/llm';
import { benchPools, createPools, verifyPools } from './bench-budgets';
import { fixed, progress } from './bench-output';
import { platformEnv, type BenchSettings } from './bench-settings';
import { mergeTallies, type DrainTally } from './drain-census';
import { withFakeOpenAi, type FakeOpenAi } from './fake-openai';
import { checkInvocationRows, type InvocationRowCheck } from './invocation-rows';
import { LedgerCensus } from './ledger-census';
import { withLegScope } from './leg-isolation';
import { withPlatformContext } from './platform-context';
import {
  checkBudgetCommands,
  createSubmitter,
  submitAndDrain,
  type BenchSubmitter,
} from './platform-drain';

export const LOG_PARTS = 4;
export const LOG_CONCURRENCY = 50;
/** Untimed jobs per side and round before the timed drains (fresh contexts, cold JIT). */
export const WARMUP_JOBS = 500;

export type LogMode = 'memory' | 'durable';
export type PoolSetting = 'none' | 'pools';
const MODES: LogMode[] = ['memory', 'durable'];
const POOLS: PoolSetting[] = ['none', 'pools'];

/** One side (log mode × pool setting), over every round. */
export interface LogSide {
  jobs: number;
  ms: number;
  jobsPerSecond: number;
  /** Jobs/s of each round (all its drains' jobs over their time). */
  rounds: number[];
  commands: DrainTally;
  /** Rows the durable drainer wrote to Postgres while the drains were timed. */
  drainedRows: number;
  /** One per round. */
  rows: InvocationRowCheck[];
}

export interface LogPair {
  pools: PoolSetting;
  memory: LogSide;
  durable: LogSide;
  /** Durable / memory jobs/s of each pair of back-to-back drains, all rounds. */
  partRatios: number[];
}

export interface InvocationLogResult {
  concurrency: number;
  jobsPerRound: number;
  rounds: number;
  pairs: LogPair[];
}

interface Drained {
  jobs: number;
  ms: number;
  commands: DrainTally;
  drainedRows: number;
}

type RoundSides = Record<PoolSetting, Record<LogMode, Drained[]>>;

interface Round {
  drains: RoundSides;
  partRatios: Record<PoolSetting, number[]>;
  rows: Record<PoolSetting, Record<LogMode, InvocationRowCheck>>;
}

/** A booted platform context with one log mode, and its two tenants. */
interface Context {
  mode: LogMode;
  app: INestApplicationContext;
  config: Config;
  schema: string;
  who: Record<PoolSetting, BenchSubmitter>;
}

/**
 * The routed worker (JobRunner, chat actor, router, gate, `openai` SDK to the fake OpenAI server
 * in a child process) with LLM_INVOCATION_LOG=durable against =memory, both in the same run:
 * two platform contexts booted side by side on the same Redis, PostgreSQL and fake server, each
 * with a tenant without budget pools and one with three. Per round, each of the four sides
 * drains `settings.jobs` jobs at concurrency 50 in LOG_PARTS drains, memory and durable
 * back to back (which goes first alternates), so machine noise hits both alike.
 */
export async function invocationLogLeg(settings: BenchSettings): Promise<InvocationLogResult> {
  const rounds: Round[] = [];
  for (let round = 0; round < settings.rounds; round++) {
    rounds.push(await oneRound(settings, round));
  }
  return {
    concurrency: LOG_CONCURRENCY,
    jobsPerRound: settings.jobs,
    rounds: settings.rounds,
    pairs: POOLS.map((pools) => ({
      pools,
      memory: side(rounds, pools, 'memory'),
      durable: side(rounds, pools, 'durable'),
      partRatios: rounds.flatMap((r) => r.partRatios[pools]),
    })),
  };
}

function oneRound(settings: BenchSettings, round: number): Promise<Round> {
  return withFakeOpenAi('child-process', (fake) =>
    withContext(settings, fake, 'memory', round, (memory) =>
      withContext(settings, fake, 'durable', round, (durable) =>
        alternate(settings, { memory, durable }, round),
      ),
    ),
  );
}

function withContext<T>(
  settings: BenchSettings,
  fake: FakeOpenAi,
  mode: LogMode,
  round: number,
  body: (context: Context) => Promise<T>,
): Promise<T> {
  return withLegScope(settings, `il${round}_${mode}`, true, (scope) =>
    withPlatformContext(
      {
        ...platformEnv(settings, scope, 'warn'),
        LLM_CATALOGUE_FILE: fake.catalogueFile,
        LLM_INVOCATION_LOG: mode,
      },
      async (app, config) => {
        const who = {
          none: await createSubmitter(app, `bench-${scope.schema}-none`),
          pools: await createSubmitter(app, `bench-${scope.schema}-pools`),
        };
        await createPools(app, benchPools('worker', who.pools.tenantId, who.pools.apiKeyId));
        return body({ mode, app, config, schema: scope.schema, who });
      },
    ),
  );
}

async function alternate(
  settings: BenchSettings,
  contexts: Record<LogMode, Context>,
  round: number,
): Promise<Round> {
  const jobs = settings.jobs;
  const drains: RoundSides = {
    none: { memory: [], durable: [] },
    pools: { memory: [], durable: [] },
  };
  const partRatios: Record<PoolSetting, number[]> = { none: [], pools: [] };
  for (const pools of POOLS) {
    for (const mode of MODES) await drain(contexts[mode], pools, WARMUP_JOBS, 'warm-up');
  }
  const size = Math.ceil(jobs / LOG_PARTS);
  for (let part = 0; part * size < jobs; part++) {
    const n = Math.min(size, jobs - part * size);
    const flip = (part + round) % 2 === 1;
    // m d | d m, then the reverse: each pair back to back, neither always first.
    const order = flip ? (['durable', 'memory'] as const) : (['memory', 'durable'] as const);
    for (const pools of flip ? [...POOLS].reverse() : POOLS) {
      const modes = pools === 'pools' ? [...order].reverse() : order;
      for (const mode of modes) {
        const label = `invocation log part ${part + 1}, ${mode}, pools ${pools}`;
        drains[pools][mode].push(await drain(contexts[mode], pools, n, label));
      }
      const [memory, durable] = [drains[pools].memory[part], drains[pools].durable[part]];
      partRatios[pools].push(memory.ms / durable.ms);
      progress(
        `invocation log c=${LOG_CONCURRENCY} pools ${pools} part ${part + 1}: memory ` +
          `${fixed((n / memory.ms) * 1000)} jobs/s, durable ${fixed((n / durable.ms) * 1000)} ` +
          `jobs/s (${fixed((memory.ms / durable.ms) * 100, 1)} %)`,
      );
    }
  }
  const rows = {
    none: await checks(settings, contexts, 'none', jobs),
    pools: await checks(settings, contexts, 'pools', jobs),
  };
  return { drains, partRatios, rows };
}

async function drain(
  context: Context,
  pools: PoolSetting,
  jobs: number,
  name: string,
): Promise<Drained> {
  const census = new LedgerCensus(context.app.get(InvocationDrain));
  const drained = await submitAndDrain(context.app, context.config, context.who[pools], {
    jobs,
    concurrency: LOG_CONCURRENCY,
    name,
    census,
  });
  // Durable: every call reserves (registers) and settles, pools or not; memory: only with pools.
  checkBudgetCommands(name, drained.commands, context.mode === 'durable' || pools === 'pools');
  return { jobs, ms: drained.ms, commands: drained.commands, drainedRows: census.timedRows };
}

/** Both modes' row checks for one pool setting; with pools, the pools must match the log. */
async function checks(
  settings: BenchSettings,
  contexts: Record<LogMode, Context>,
  pools: PoolSetting,
  timedJobs: number,
): Promise<Record<LogMode, InvocationRowCheck>> {
  const result = {} as Record<LogMode, InvocationRowCheck>;
  for (const mode of MODES) {
    const { app, config, schema, who } = contexts[mode];
    const where = { databaseUrl: settings.databaseUrl, schema, tenantId: who[pools].tenantId };
    const check = await checkInvocationRows(app, config, {
      ...where,
      jobs: timedJobs + WARMUP_JOBS,
    });
    const name = `invocation log, ${mode}, pools ${pools}`;
    progress(
      `${name}: ${check.completed}/${check.jobs} jobs completed, ${check.rows} invocation rows, ` +
        `${check.exactlyOne} jobs with exactly one ok row; ledger left ${check.streamEntries} ` +
        `entries, ${check.pendingEntries} pending, ${check.registrations} registrations`,
    );
    // Only worth comparing once the rows are all there: the pools must hold the log's cost.
    if (check.ok && pools === 'pools') await verifyPools(app, { ...where, expectedPools: 3 }, name);
    result[mode] = check;
  }
  return result;
}

function side(rounds: Round[], pools: PoolSetting, mode: LogMode): LogSide {
  const all = rounds.flatMap((r) => r.drains[pools][mode]);
  const sum = (list: Drained[], f: (d: Drained) => number) => list.reduce((a, d) => a + f(d), 0);
  const perSecond = (list: Drained[]) => (sum(list, (d) => d.jobs) / sum(list, (d) => d.ms)) * 1000;
  return {
    jobs: sum(all, (d) => d.jobs),
    ms: sum(all, (d) => d.ms),
    jobsPerSecond: perSecond(all),
    rounds: rounds.map((r) => perSecond(r.drains[pools][mode])),
    commands: mergeTallies(all.map((d) => d.commands)),
    drainedRows: sum(all, (d) => d.drainedRows),
    rows: rounds.map((r) => r.rows[pools][mode]),
  };
}
