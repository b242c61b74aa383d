import { fixed, ratio } from './bench-output';
import { FAKE_TOKENS } from './fake-openai';
import type { LatencySummary } from './latency-stats';
import { MCP_BIN, MCP_TOOL, type McpCallResult } from './mcp-call.leg';
import type { ToolLoopResult } from './tool-loop.leg';
import { TOOL_TURNS, TURNS } from './tool-loop-paths';
import { NOOP_TOOL } from './tools-bench.module';

const ms = (value: number) => fixed(value, 3);
const signed = (value: number) => `${value >= 0 ? '+' : '−'}${fixed(Math.abs(value), 3)}`;

const HEAD =
  '| Path | Median ms | p95 ms | p99 ms | Mean ms | Median vs baseline | p95 vs baseline |\n' +
  '|---|---:|---:|---:|---:|---:|---:|';

function row(label: string, p: LatencySummary, base: LatencySummary): string {
  return (
    `| ${label} | ${ms(p.medianMs)} | ${ms(p.p95Ms)} | ${ms(p.p99Ms)} | ${ms(p.meanMs)} | ` +
    `${ratio(p.medianMs, base.medianMs)} | ${ratio(p.p95Ms, base.p95Ms)} |`
  );
}

/** The tool loop against the same bare router calls, and an MCP call against the SDK's. */
export function renderToolsSection(loop: ToolLoopResult, mcp: McpCallResult): string[] {
  const { bare, loop: run, rows } = loop.figures;
  const perTurn = (a: number, b: number) => (a - b) / TURNS;
  const { sdk, switchboard } = mcp.figures;
  return [
    `### Tool loop overhead per turn (${loop.plan.calls} runs per path, ${TURNS} turns each)`,
    '',
    HEAD,
    row('bare router calls, the same requests (baseline)', bare, bare),
    row('`ctx.tools.run` (ToolLoop)', run, bare),
    row(`a run's ${TOOL_TURNS} tool_invocations INSERTs alone (no LLM call)`, rows, bare),
    '',
    `The loop adds ${signed(perTurn(run.medianMs, bare.medianMs))} ms per turn at the median ` +
      `and ${signed(perTurn(run.p95Ms, bare.p95Ms))} ms at p95 (run figures' difference ÷ ${TURNS}); ` +
      `a run takes ${ratio(run.medianMs, bare.medianMs)} the bare calls' time at the median. ` +
      `Of that, the awaited row writes alone take ${ms(rows.medianMs)} ms per run at the median ` +
      `(${ms(rows.p95Ms)} ms at p95), i.e. ${signed(rows.medianMs / TURNS)} ms per turn.`,
    '',
    '- A run is one job: turns 1 and 2 ask for one call of the no-op tool each, turn 3 answers (' +
      `${FAKE_TOKENS} tokens); the fake OpenAI server (in the bench process, loopback HTTP) decides by counting the tool results it is sent. Both paths go through one LlmRouter with the real provider gate (Redis) and the invocation log, a fresh job id per run.`,
    `- Both paths stream each turn (the loop's default). The baseline sends the identical requests turn by turn (the tool definition, the growing messages with the assistant tool calls and '{}' tool results) and does nothing else. The loop path builds \`ctx.tools\` with ToolsCapability.forRun and runs it: the registry's allowlist and narrowing, JSON and zod argument checks, loop detection, the call (timeout and output bound), a tool_call and a tool_result event to the job's Redis stream (JobEventsPublisher, not awaited, as in the worker), the Prometheus metrics, and an awaited INSERT into tool_invocations in the leg's PostgreSQL schema, for each of its ${TOOL_TURNS} calls.`,
    `- \`${NOOP_TOOL}\` is a @LocalTool declared in the bench (read-only, parallel, returns '{}'); it sits under \`git__\` because only built-in names and MCP namespaces are in the role allowlists, and the runs are coder jobs narrowed to it. The runs' LLM client is the router itself on both paths (no budget, no step journal).`,
    `- The third row times only what the loop's recorder awaits per call, ToolInvocationsRepository.insert (one autocommitted INSERT), ${TOOL_TURNS} times in a row as one run writes them, on the same DataSource; it is interleaved with the other two, so it sees the same PostgreSQL commit latency.
- The paths take turns in rounds of ${loop.plan.roundSize} runs after ${loop.plan.warmUp} untimed warm-up runs each. Afterwards the leg checked ${loop.rows} tool_invocations rows, all ok, one per call of ${loop.loopRuns} loop runs (warm-up included), and ${loop.events} events in their streams.`,
    '',
    `### MCP tool call over stdio (${mcp.plan.calls} sequential calls per path)`,
    '',
    HEAD,
    row('official SDK Client + StdioClientTransport (baseline)', sdk, sdk),
    row("Switchboard's MCP tool source (check + invoke)", switchboard, sdk),
    '',
    `Switchboard adds ${signed(switchboard.medianMs - sdk.medianMs)} ms per call at the median ` +
      `and ${signed(switchboard.p95Ms - sdk.p95Ms)} ms at p95.`,
    '',
    `- \`${MCP_TOOL}\` of \`${MCP_BIN}\` (npm), each path with its own server process over stdio and its own copy of the same small graph file (${mcp.resultBytes} bytes of text back, equal on every call). Both clients listed the tools first, so both validate the structured output against the tool's output schema.`,
    "- The Switchboard path is the tool definition the registry would hold (McpToolSource.fromConfig with a parsed config object, no approvals store): the JSON Schema argument check (ajv), then invoke(): the approval check, a timeout signal, the SDK call, conversion to the model's text and the MCP call metrics. The loop's own per-call work is in the section above.",
    `- The paths take turns in rounds of ${mcp.plan.roundSize} calls after ${mcp.plan.warmUp} untimed warm-up calls each.`,
  ];
}
