import type { INestApplicationContext } from '@nestjs/common';
import type { Config } from '@switchboard/config';
import { benchPools, createPools, verifyPools, type BudgetCheck } from './bench-budgets';
import { fixed, progress } from './bench-output';
import { platformEnv, type BenchSettings, type LegScope } from './bench-settings';
import { mergeTallies } from './drain-census';
import { withFakeOpenAi } from './fake-openai';
import { withLegScope } from './leg-isolation';
import { withPlatformContext } from './platform-context';
import {
  checkBudgetCommands,
  checkLegRows,
  createSubmitter,
  submitAndDrain,
  type BenchSubmitter,
  type PlatformDrain,
} from './platform-drain';
import type { PlatformLegResult } from './platform-worker.leg';

/**
 * Drains per side in one leg. Short drains, taking turns, put the two sides seconds apart
 * rather than a leg apart, so a burst of other work on the machine hits both alike.
 */
export const PAIR_PARTS = 4;

type Side = 'off' | 'on';

const LABELS: Record<Side, string> = {
  off: 'Platform: JobRunner + chat actor + router → fake OpenAI over HTTP',
  on: 'The same, budgets on (3 pools on every call)',
};

export interface BudgetPairResult {
  concurrency: number;
  off: PlatformLegResult;
  on: PlatformLegResult;
  /** On / off jobs/s of each pair of back-to-back drains. */
  partRatios: number[];
  /** What the pools counted, checked against the invocation log. */
  check: BudgetCheck;
}

/**
 * The routed worker leg, budgets off and on, in one platform context: the chat jobs go through
 * JobRunner, the chat actor, the router, the provider gate and the `openai` SDK to the fake
 * OpenAI server in a child process, invocation log on. Two tenants submit them: one has no
 * budget pool (the routed leg's figures), the other a daily hard and a monthly soft tenant
 * pool and a daily hard pool on its key, so each of its calls reserves and settles in three
 * counters. `jobs` per side, in PAIR_PARTS drains each, the sides taking turns (ABBA), each drain
 * timed from the worker's main loop start to its last completion.
 */
export async function budgetPairLeg(
  settings: BenchSettings,
  spec: { concurrency: number; jobs: number },
  round: number,
): Promise<BudgetPairResult> {
  return withLegScope(settings, `bp${round}_c${spec.concurrency}`, true, (scope) =>
    withFakeOpenAi('child-process', (fake) =>
      withPlatformContext(
        { ...platformEnv(settings, scope, 'warn'), LLM_CATALOGUE_FILE: fake.catalogueFile },
        (app, config) => alternate(app, config, scope, settings, { ...spec, round }),
      ),
    ),
  );
}

async function alternate(
  app: INestApplicationContext,
  config: Config,
  scope: LegScope,
  settings: BenchSettings,
  { concurrency, jobs, round }: { concurrency: number; jobs: number; round: number },
): Promise<BudgetPairResult> {
  const name = `budgets off/on c=${concurrency}`;
  const who: Record<Side, BenchSubmitter> = {
    off: await createSubmitter(app, `bench-${scope.schema}-off`),
    on: await createSubmitter(app, `bench-${scope.schema}-on`),
  };
  const pools = await createPools(app, benchPools('worker', who.on.tenantId, who.on.apiKeyId));
  const drains: Record<Side, PlatformDrain[]> = { off: [], on: [] };
  const partRatios: number[] = [];
  const size = Math.ceil(jobs / PAIR_PARTS);
  for (let part = 0; part * size < jobs; part++) {
    const n = Math.min(size, jobs - part * size);
    const order: Side[] = (part + round) % 2 === 0 ? ['off', 'on'] : ['on', 'off'];
    for (const side of order) {
      const label = `${name} part ${part + 1}, budgets ${side}`;
      drains[side].push(
        await submitAndDrain(app, config, who[side], { jobs: n, concurrency, name: label }),
      );
    }
    const [off, on] = [drains.off[part], drains.on[part]];
    partRatios.push(off.ms / on.ms);
    progress(
      `${name} part ${part + 1}: off ${fixed((n / off.ms) * 1000)} jobs/s, ` +
        `on ${fixed((n / on.ms) * 1000)} jobs/s (${fixed((off.ms / on.ms) * 100, 1)} %)`,
    );
  }
  await checkLegRows(settings, scope.schema, 2 * jobs, name);
  const result = (side: Side) => sideResult(drains[side], concurrency, LABELS[side]);
  const [off, on] = [result('off'), result('on')];
  checkBudgetCommands(`${name}, budgets off`, off.commands, false);
  checkBudgetCommands(`${name}, budgets on`, on.commands, true);
  const where = {
    databaseUrl: settings.databaseUrl,
    schema: scope.schema,
    tenantId: who.on.tenantId,
    expectedPools: pools.length,
  };
  const check = await verifyPools(app, where, name);
  progress(
    `${name}: off ${fixed(off.jobsPerSecond)} jobs/s, on ${fixed(on.jobsPerSecond)} jobs/s; ` +
      `${2 * jobs} records completed and ok invocations; ${check.pools} pools each counted ` +
      `${check.spentMicros} µ$ = the log, 0 reserved`,
  );
  return { concurrency, off, on, partRatios, check };
}

/** One side's drains as one leg result: all its jobs over all its timed milliseconds. */
function sideResult(
  drains: PlatformDrain[],
  concurrency: number,
  label: string,
): PlatformLegResult {
  const sum = (f: (d: PlatformDrain) => number) => drains.reduce((a, d) => a + f(d), 0);
  const [jobs, ms, prepareMs] = [sum((d) => d.jobs), sum((d) => d.ms), sum((d) => d.prepareMs)];
  return {
    label,
    concurrency,
    jobs,
    ms,
    jobsPerSecond: (jobs / ms) * 1000,
    preparePerSecond: (jobs / prepareMs) * 1000,
    commands: mergeTallies(drains.map((d) => d.commands)),
    llm: 'routed',
    logs: undefined,
  };
}
