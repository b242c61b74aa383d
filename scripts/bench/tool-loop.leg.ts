import { fixed, progress } from './bench-output';
import { platformEnv, type BenchSettings } from './bench-settings';
import { timeInterleaved, type InterleavedPlan } from './interleaved-timing';
import type { LatencySummary } from './latency-stats';
import { withLegScope } from './leg-isolation';
import { withPlatformContext } from './platform-context';
import {
  ROW_PROBE_TOOL,
  TOOL_TURNS,
  TURNS,
  loopPaths,
  streamEntries,
  toolRig,
  type LoopPath,
} from './tool-loop-paths';
import { NOOP_TOOL, ToolsBenchModule } from './tools-bench.module';
import { countToolRows, withToolsFake } from './tools-fake';

const ROUND_SIZE = 25;

export interface ToolLoopResult {
  plan: InterleavedPlan;
  figures: Record<LoopPath, LatencySummary>;
  /** Loop runs made (warm-up included); each must leave TOOL_TURNS ok rows and 2× events. */
  loopRuns: number;
  rows: number;
  events: number;
}

/** A positive integer from the environment (the tools legs' run counts). */
export function countFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

/**
 * The tool loop's cost per turn: runs of `ctx.tools.run` (3 turns: two calls of a local no-op
 * tool, then the answer) against the same sequence of bare router calls (the identical
 * requests, built turn by turn without the loop), interleaved, on one router with the real
 * provider gate (Redis) and invocation log, to an in-process fake OpenAI server. Fails unless
 * every loop call left an `ok` tool_invocations row and its two events in the job's stream.
 */
export async function toolLoopLeg(settings: BenchSettings): Promise<ToolLoopResult> {
  const runs = countFromEnv('BENCH_TOOL_RUNS', 1000);
  const plan = { calls: runs, roundSize: ROUND_SIZE, warmUp: Math.max(20, Math.round(runs / 10)) };
  return withLegScope(settings, 'tools', true, (scope) =>
    withToolsFake(NOOP_TOOL, TOOL_TURNS, async (catalogueFile) => {
      const env = { ...platformEnv(settings, scope, 'warn'), LLM_CATALOGUE_FILE: catalogueFile };
      return withPlatformContext(
        env,
        async (app, config) => {
          const rig = toolRig(app, config);
          progress(
            `tools: ${runs} runs of ${TURNS} turns per path (+${plan.warmUp} warm-up), interleaved`,
          );
          const figures = await timeInterleaved(loopPaths(rig), plan);
          const loopRuns = rig.loopJobs.length;
          const rows = await countToolRows(settings.databaseUrl, scope.schema, NOOP_TOOL);
          const want = loopRuns * TOOL_TURNS;
          if (rows.ok !== want || rows.total !== want || rows.jobs !== loopRuns) {
            throw new Error(
              `tool loop leg: ${loopRuns} runs (${want} calls) but tool_invocations ${JSON.stringify(rows)}`,
            );
          }
          const probes = await countToolRows(settings.databaseUrl, scope.schema, ROW_PROBE_TOOL);
          const probeRuns = plan.calls + plan.warmUp;
          if (probes.ok !== probeRuns * TOOL_TURNS || probes.jobs !== probeRuns) {
            throw new Error(`tool loop leg: row probe wrote ${JSON.stringify(probes)}`);
          }
          const events = await streamEntries(rig.redis, config.redis.prefix, rig.loopJobs);
          if (events !== want * 2) {
            throw new Error(`tool loop leg: ${want} calls but ${events} events in the job streams`);
          }
          const { bare, loop, rows: inserts } = figures;
          progress(
            `tools: median bare ${fixed(bare.medianMs, 3)} ms, loop ${fixed(loop.medianMs, 3)} ms ` +
              `per run (a run's ${TOOL_TURNS} INSERTs alone ${fixed(inserts.medianMs, 3)} ms); ` +
              `${rows.ok} tool_invocations rows, all ok; ${events} stream events`,
          );
          return { plan, figures, loopRuns, rows: rows.ok, events };
        },
        ToolsBenchModule,
      );
    }),
  );
}
