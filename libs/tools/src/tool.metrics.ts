import { metricsRegistry } from '@switchboard/observability';
import { Counter, Histogram } from 'prom-client';

/** Tool calls of tool loops, by tool, server (`local` or the MCP server) and outcome. */
export const toolCallsTotal = new Counter({
  name: 'switchboard_tool_calls_total',
  help: 'Tool calls made by tool loops, by tool, server and outcome',
  labelNames: ['tool', 'server', 'outcome'] as const,
  registers: [metricsRegistry],
});

/** How long tool calls took (calls that ran; refused ones are not timed). */
export const toolCallDurationSeconds = new Histogram({
  name: 'switchboard_tool_call_duration_seconds',
  help: 'Duration of tool calls made by tool loops',
  labelNames: ['tool', 'server'] as const,
  buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers: [metricsRegistry],
});
