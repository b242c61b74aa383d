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
  type LlmRequest,
  type LlmResponse,
  type LlmRouting,
  type LlmTool,
} from '@switchboard/llm';
import { REDIS_CLIENT } from '@switchboard/redis';
import { JobEventsPublisher, jobEventsKey } from '@switchboard/streams';
import { ToolInvocationsRepository, ToolRegistry, ToolsCapability } from '@switchboard/tools';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { TimedPath } from './interleaved-timing';
import { NOOP_TOOL } from './tools-bench.module';

/** LLM turns per run: two that call the no-op tool, then the answer. */
export const TOOL_TURNS = 2;
export const TURNS = TOOL_TURNS + 1;
const MAX_TOKENS = 256;
const PROMPT: LlmMessage[] = [{ role: 'user', content: 'call the tool twice, then answer' }];

/** Written by the `rows` path, so its rows are told apart from the loop's. */
export const ROW_PROBE_TOOL = 'bench_row_probe';

export type LoopPath = 'bare' | 'loop' | 'rows';

export interface ToolRig {
  router: LlmRouter;
  redis: Redis;
  capability: ToolsCapability;
  publisher: JobEventsPublisher;
  rows: ToolInvocationsRepository;
  /** The no-op tool as the loop sends it to the model. */
  tool: LlmTool;
  tenantId: string;
  loopJobs: string[];
}

/** The router as LlmService builds it (no health monitor), and what `ctx.tools` is made of. */
export function toolRig(app: INestApplicationContext, config: Config): ToolRig {
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
    rows: app.get(ToolInvocationsRepository),
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
    rerank: (request) => rig.router.rerank(request, routing),
  };
  return { routing, llm, signal };
}

/** The no-op tool is read-only, so the loop never journals a step: reaching here is a bug. */
const READ_ONLY_STEPS: DurableSteps = {
  once: () => Promise.reject(new Error(`${NOOP_TOOL} is read-only: no step should be journaled`)),
};

export function loopPaths(rig: ToolRig): TimedPath<LoopPath>[] {
  return [
    // What the recorder awaits per call, alone: a run's rows, one INSERT (autocommit) each.
    {
      name: 'rows',
      call: async () => {
        const jobId = randomUUID();
        for (let turn = 1; turn <= TOOL_TURNS; turn++) {
          await rig.rows.insert({
            tenantId: rig.tenantId,
            jobId,
            tool: ROW_PROBE_TOOL,
            server: 'local',
            turn,
            durationMs: 0,
            outcome: 'ok',
            errorClass: null,
            argumentBytes: 10,
            resultBytes: 2,
            arguments: undefined,
          });
        }
      },
    },
    {
      name: 'bare',
      call: async () => {
        const { llm } = jobRouting(rig);
        const messages = [...PROMPT];
        for (let turn = 1; turn <= TURNS; turn++) {
          const request = { messages: [...messages], maxTokens: MAX_TOKENS, tools: [rig.tool] };
          // Streamed, as the loop's turns are by default.
          const response = await streamed(llm, request);
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

async function streamed(llm: LlmClient, request: LlmRequest): Promise<LlmResponse> {
  for await (const event of llm.stream(request)) if (event.type === 'done') return event.response;
  throw new Error('bare path: the stream ended without a response');
}

/** Entries in the loop jobs' event streams (XLEN, pipelined). */
export async function streamEntries(redis: Redis, prefix: string, jobs: string[]): Promise<number> {
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
