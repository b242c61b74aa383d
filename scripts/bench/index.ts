// `npm run bench`: raw BullMQ against the platform's worker path (simulated provider, and
// real routing to a fake OpenAI server, with budgets off and on), the Redis commands each LLM
// call sends, the LLM router's overhead per call against the same SDK called directly, and
// the API's submission path against its bare HTTP stack, the tool loop against the same bare
// router calls and an MCP tool call against the official SDK client's, in one run on the same
// Redis and PostgreSQL.
// Env: REDIS_URL, DATABASE_URL, DATABASE_POOL_SIZE, BENCH_JOBS (5000, concurrency 50),
// BENCH_JOBS_C1 (BENCH_JOBS / 5), BENCH_ROUNDS (3), BENCH_DURATION_S (10), BENCH_CONNECTIONS (50),
// BENCH_ROUTER_CALLS (2000 timed sequential calls per path and call kind in the router leg),
// BENCH_TTFT_JOBS (200 timed sequential jobs per path in the time-to-first-token leg),
// BENCH_SSE_SUBSCRIBERS (1000 concurrent SSE subscribers), BENCH_SSE_TOKENS (300 tokens per
// followed job, 20 ms apart), STREAM_COALESCE_MS (passed to the ttft leg's API and worker),
// BENCH_ONLY=ttft (run only the time-to-first-token and SSE subscriber leg),
// BENCH_TOOL_RUNS (1000 timed runs of 3 turns per path in the tool loop leg), BENCH_MCP_CALLS
// (2000 timed sequential MCP calls per path),
// BENCH_ONLY=invocation-log (run only the durable against the memory invocation log leg),
// BENCH_ONLY=tools (run only the tool loop and MCP call legs),
// BENCH_ONLY=metrics (run only the metrics legs: scrape cost, job wrapper metrics on/off;
// BENCH_SCRAPES, 200 timed scrapes per path),
// BENCH_ONLY=retrieval (run only the retrieval leg: LanceDB search, ingestion and memory
// against a brute-force scan; BENCH_RETRIEVAL_CHUNKS, 10000; BENCH_RETRIEVAL_QUERIES, 300).
import 'reflect-metadata';
import { errorText, progress, say } from './bench-output';
import { renderReport, type BenchResults } from './bench-report';
import { readBenchSettings } from './bench-settings';
import { installSignalCleanup } from './exit-cleanup';
import { invocationLogLeg, type InvocationLogResult } from './invocation-log.leg';
import { invocationRowsOk, renderInvocationLogSection } from './invocation-log-report';
import { busyWarning, describeMachine, loadNow } from './machine';
import { metricsLegs, onlyMetrics } from './metrics-only';
import { probePgLatency } from './pg-latency.probe';
import { processMemory } from './proc-memory';
import { rawBullmqLeg } from './raw-bullmq.leg';
import { retrievalLeg } from './retrieval.leg';
import { renderRetrievalSection } from './retrieval-report';
import { routerOverheadLeg } from './router-overhead.leg';
import { submissionLeg } from './submission.leg';
import { mcpCallLeg } from './mcp-call.leg';
import { toolLoopLeg } from './tool-loop.leg';
import { renderToolsSection } from './tools-report';
import { renderTtftSection } from './ttft-report';
import { ttftLeg } from './ttft.leg';
import { runWorkerLegs } from './worker-legs';

async function main(): Promise<void> {
  installSignalCleanup();
  const settings = readBenchSettings();
  if (process.env.BENCH_ONLY === 'ttft') {
    await onlyTtft(settings);
    return;
  }
  if (process.env.BENCH_ONLY === 'invocation-log') {
    await onlyInvocationLog(settings);
    return;
  }
  if (process.env.BENCH_ONLY === 'tools') {
    await onlyTools(settings);
    return;
  }
  if (process.env.BENCH_ONLY === 'metrics') {
    await onlyMetrics(settings);
    return;
  }
  if (process.env.BENCH_ONLY === 'retrieval') {
    await onlyRetrieval(settings);
    return;
  }
  if (process.env.BENCH_ONLY) {
    throw new Error(
      'BENCH_ONLY accepts only "ttft", "invocation-log", "tools", "metrics" or "retrieval"',
    );
  }
  const machine = await describeMachine(settings);
  progress(
    `run ${settings.runId}: ${settings.jobsC1} jobs at concurrency 1, ${settings.jobs} at 50, ` +
      `best of ${settings.rounds} rounds`,
  );
  const loads = [loadNow()];
  progress(`${machine}; load average ${loads[0].toFixed(2)}`);
  // Untimed: lets the JIT and the connections warm up before the first measured leg.
  await rawBullmqLeg(settings, 50, Math.min(1000, settings.jobs), 'warmup');
  const pg = [await probePgLatency(settings)];
  // Before the worker legs: sequential latencies are the figures most hurt by a busy machine.
  const router = await routerOverheadLeg(settings);
  const toolLoop = await toolLoopLeg(settings);
  const mcpCall = await mcpCallLeg();
  const { raw, platform, routed, budget } = await runWorkerLegs(settings);
  const invocationLog = await invocationLogLeg(settings);
  const benchMemory = processMemory('self');
  pg.push(await probePgLatency(settings));
  loads.push(loadNow());
  const submission = await submissionLeg(settings);
  loads.push(loadNow());
  const ttft = await ttftLeg(settings);
  loads.push(loadNow());
  // Last: its scrape leg fills this process's registry.
  const metrics = await metricsLegs(settings);
  loads.push(loadNow());
  const retrieval = await retrievalLeg(settings);
  loads.push(loadNow());
  const results: BenchResults = {
    machine,
    raw,
    platform,
    routed,
    budget,
    router,
    benchMemory,
    submission,
    loads,
    pg,
  };
  say('');
  say(renderReport(settings, results));
  say('');
  say(renderInvocationLogSection(invocationLog).join('\n'));
  say('');
  say(renderTtftSection(ttft));
  say('');
  say(renderToolsSection(toolLoop, mcpCall).join('\n'));
  say('');
  say(metrics.join('\n'));
  say('');
  say(renderRetrievalSection(retrieval).join('\n'));
  const warning = busyWarning(loads);
  if (warning) say(`\nWARNING: ${warning}.`);
  failUnlessRowsOk(invocationLog);
}

/** BENCH_ONLY=invocation-log: the durable against the memory invocation log, alone. */
async function onlyInvocationLog(settings: ReturnType<typeof readBenchSettings>): Promise<void> {
  const machine = await describeMachine(settings);
  const loads = [loadNow()];
  progress(
    `run ${settings.runId}, invocation log only: ${settings.jobs} jobs per side, ` +
      `${settings.rounds} rounds; ${machine}`,
  );
  const result = await invocationLogLeg(settings);
  loads.push(loadNow());
  say('');
  say(`Machine: ${machine}; 1-min load average ${loads.map((l) => l.toFixed(2)).join(' → ')}`);
  say('');
  say(renderInvocationLogSection(result).join('\n'));
  const warning = busyWarning(loads);
  if (warning) say(`\nWARNING: ${warning}.`);
  failUnlessRowsOk(result);
}

/** Printed first, then failed: a missing or doubled invocation row voids the comparison. */
function failUnlessRowsOk(result: InvocationLogResult): void {
  if (!invocationRowsOk(result)) {
    throw new Error('invocation log leg: some job did not leave exactly one invocation row');
  }
}

/** BENCH_ONLY=tools: the tool loop and MCP call legs alone (each checks its own rows). */
async function onlyTools(settings: ReturnType<typeof readBenchSettings>): Promise<void> {
  const machine = await describeMachine(settings);
  const loads = [loadNow()];
  progress(`run ${settings.runId}, tools only; ${machine}`);
  const toolLoop = await toolLoopLeg(settings);
  const mcpCall = await mcpCallLeg();
  loads.push(loadNow());
  say('');
  say(`Machine: ${machine}; 1-min load average ${loads.map((l) => l.toFixed(2)).join(' → ')}`);
  say('');
  say(renderToolsSection(toolLoop, mcpCall).join('\n'));
  const warning = busyWarning(loads);
  if (warning) say(`\nWARNING: ${warning}.`);
}

/** BENCH_ONLY=retrieval: LanceDB search, ingestion and memory against brute force, alone. */
async function onlyRetrieval(settings: ReturnType<typeof readBenchSettings>): Promise<void> {
  const machine = await describeMachine(settings);
  const loads = [loadNow()];
  progress(`run ${settings.runId}, retrieval only; ${machine}`);
  const retrieval = await retrievalLeg(settings);
  loads.push(loadNow());
  say('');
  say(`Machine: ${machine}; 1-min load average ${loads.map((l) => l.toFixed(2)).join(' → ')}`);
  say('');
  say(renderRetrievalSection(retrieval).join('\n'));
  const warning = busyWarning(loads);
  if (warning) say(`\nWARNING: ${warning}.`);
}

/** BENCH_ONLY=ttft: the time-to-first-token and SSE subscriber leg alone. */
async function onlyTtft(settings: ReturnType<typeof readBenchSettings>): Promise<void> {
  const machine = await describeMachine(settings);
  const loads = [loadNow()];
  progress(`run ${settings.runId}, time to first token only; ${machine}`);
  const ttft = await ttftLeg(settings);
  loads.push(loadNow());
  say('');
  say(`Machine: ${machine}`);
  say('');
  say(renderTtftSection(ttft));
  const warning = busyWarning(loads);
  if (warning) say(`\nWARNING: ${warning}.`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${errorText(error)}\n`);
    process.exit(1);
  },
);
