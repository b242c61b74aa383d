import type { INestApplicationContext } from '@nestjs/common';
import type { CapabilityScope, DurableSteps } from '@switchboard/actors';
import type { Config } from '@switchboard/config';
import {
  InvocationLog,
  LlmRouter,
  ProviderGate,
  createAdapter,
  loadCatalogue,
  type LlmClient,
  type LlmMessage,
  type LlmRouting,
  type LlmTool,
} from '@switchboard/llm';
import { REDIS_CLIENT } from '@switchboard/redis';
import { JobEventsPublisher, jobEventsKey } from '@switchboard/streams';
import { ToolRegistry, ToolsCapability } from '@switchboard/tools';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { fixed, progress } from './bench-output';
import { platformEnv, type BenchSettings } from './bench-settings';
import { timeInterleaved, type InterleavedPlan, type TimedPath } from './interleaved-timing';
import type { LatencySummary } from './latency-stats';
import { withLegScope } from './leg-isolation';
import { withPlatformContext } from './platform-context';
import { NOOP_TOOL, ToolsBenchModule } from './tools-bench.module';
import { countToolRows, withToolsFake } from './tools-fake';

/** LLM turns per run: two that call the no-op tool, then the answer. */
export const TOOL_TURNS = 2;
export const TURNS = TOOL_TURNS + 1;
const MAX_TOKENS = 256;
const ROUND_SIZE = 25;
const PROMPT: LlmMessage[] = [{ role: 'user', content: 'call the tool twice, then answer' }];

export type LoopPath = 'bare' | 'loop';

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
          const events = await streamEntries(rig.redis, config.redis.prefix, rig.loopJobs);
          if (events !== want * 2) {
            throw new Error(`tool loop leg: ${want} calls but ${events} events in the job streams`);
          }
          const { bare, loop } = figures;
          progress(
            `tools: median bare ${fixed(bare.medianMs, 3)} ms, loop ${fixed(loop.medianMs, 3)} ms ` +
              `per run; ${rows.ok} tool_invocations rows, all ok; ${events} stream events`,
          );
          return { plan, figures, loopRuns, rows: rows.ok, events };
        },
        ToolsBenchModule,
      );
    }),
  );
}

interface ToolRig {
  router: LlmRouter;
  redis: Redis;
  capability: ToolsCapability;
  publisher: JobEventsPublisher;
  /** The no-op tool as the loop sends it to the model. */
  tool: LlmTool;
  tenantId: string;
  loopJobs: string[];
}

/** The router as LlmService builds it (no health monitor), and what `ctx.tools` is made of. */
function toolRig(app: INestApplicationContext, config: Config): ToolRig {
  const llm = config.llm;
  const redis = app.get<Redis>(REDIS_CLIENT);
  const catalogue = loadCatalogue(llm, {});
  const adapters = new Map(
    [...catalogue.providers.values()].map((p) => [p.name, createAdapter(p, llm)]),
  );
  const gate = new ProviderGate(
    redis,
    config.redis.prefix,
    llm.breaker,
    llm.requestTimeoutMs,
    llm.gateCacheMs,
  );
  const none = new Set<string>();
  const invocations = app.get(InvocationLog);
  const router = new LlmRouter({
    catalogue,
    adapters,
    gate,
    invocations,
    config: llm,
    unhealthy: () => none,
  });
  const noop = app.get(ToolRegistry).get(NOOP_TOOL);
  if (!noop) throw new Error(`the tool registry has no ${NOOP_TOOL}`);
  return {
    router,
    redis,
    capability: app.get(ToolsCapability),
    publisher: app.get(JobEventsPublisher),
    tool: { name: noop.name, description: noop.description, parameters: noop.inputSchema },
    tenantId: randomUUID(),
    loopJobs: [],
  };
}

/** A fresh job per run, as JobRunner routes a coder job's calls. */
function jobRouting(rig: ToolRig): { routing: LlmRouting; llm: LlmClient; signal: AbortSignal } {
  const jobId = randomUUID();
  const signal = new AbortController().signal;
  const routing: LlmRouting = {
    tier: 1,
    privacy: false,
    signal,
    job: { jobId, tenantId: rig.tenantId, role: 'coder', traceId: jobId },
  };
  const llm: LlmClient = {
    chat: (request) => rig.router.chat(request, routing),
    stream: (request) => rig.router.stream(request, routing),
    embed: (request) => rig.router.embed(request, routing),
  };
  return { routing, llm, signal };
}

/** The no-op tool is read-only, so the loop never journals a step: reaching here is a bug. */
const READ_ONLY_STEPS: DurableSteps = {
  once: () => Promise.reject(new Error(`${NOOP_TOOL} is read-only: no step should be journaled`)),
};

function loopPaths(rig: ToolRig): TimedPath<LoopPath>[] {
  return [
    {
      name: 'bare',
      call: async () => {
        const { llm } = jobRouting(rig);
        const messages = [...PROMPT];
        for (let turn = 1; turn <= TURNS; turn++) {
          const request = { messages: [...messages], maxTokens: MAX_TOKENS, tools: [rig.tool] };
          const response = await llm.chat(request);
          const calls = response.toolCalls ?? [];
          if (calls.length === 0) {
            if (turn !== TURNS) throw new Error(`bare path: answered at turn ${turn}`);
            messages.push({ role: 'assistant', content: response.text });
            return;
          }
          messages.push({ role: 'assistant', content: response.text, toolCalls: calls });
          for (const call of calls) {
            messages.push({ role: 'tool', toolCallId: call.id, name: call.name, content: '{}' });
          }
        }
        throw new Error(`bare path: no answer after ${TURNS} turns`);
      },
    },
    {
      name: 'loop',
      call: async () => {
        const { routing, llm, signal } = jobRouting(rig);
        const job = routing.job!;
        rig.loopJobs.push(job.jobId);
        const publisher = rig.publisher;
        const scope: CapabilityScope = {
          message: {
            jobId: job.jobId,
            tenantId: job.tenantId,
            role: 'coder',
            tier: 1,
            privacy: false,
            input: { task: 'bench' },
            allowedTools: [NOOP_TOOL],
            attempt: 1,
          },
          llm,
          signal,
          // As RunEndings.sink: best effort, in call order, never holding the job.
          events: {
            token: (text) => publisher.token(job.jobId, text),
            publish: (event) => void publisher.publish(job.jobId, event),
          },
          steps: READ_ONLY_STEPS,
          track: (work) => work,
        };
        const tools = rig.capability.forRun(scope);
        const result = await tools.run({
          messages: [...PROMPT],
          maxTurns: TURNS,
          maxTokens: MAX_TOKENS,
        });
        const ok = result.calls.filter((c) => c.outcome === 'ok').length;
        if (result.stoppedBy !== 'answer' || result.turns !== TURNS || ok !== TOOL_TURNS) {
          throw new Error(
            `loop path: stopped by ${result.stoppedBy} at turn ${result.turns} with ${ok} ok calls`,
          );
        }
      },
    },
  ];
}

/** Entries in the loop jobs' event streams (XLEN, pipelined). */
async function streamEntries(redis: Redis, prefix: string, jobs: string[]): Promise<number> {
  let total = 0;
  for (let i = 0; i < jobs.length; i += 500) {
    const pipeline = redis.pipeline();
    for (const jobId of jobs.slice(i, i + 500)) pipeline.xlen(jobEventsKey(prefix, jobId));
    for (const [error, n] of (await pipeline.exec()) ?? []) {
      if (error) throw error;
      total += Number(n);
    }
  }
  return total;
}
