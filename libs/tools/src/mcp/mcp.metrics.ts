import { metricsRegistry } from '@switchboard/observability';
import { Counter } from 'prom-client';

/**
 * MCP tool calls by server, tool and outcome: `ok`, `tool_error` (the server answered with
 * isError: a refusal such as a path outside the workspace), `timeout`, `aborted`,
 * `unavailable` (server down), `failed` (protocol error or garbage), `blocked` (definition not
 * approved), `invalid_arguments`, `output_too_large`.
 */
export const mcpToolCallsTotal = new Counter({
  name: 'switchboard_mcp_tool_calls_total',
  help: 'MCP tool calls by server, tool and outcome',
  labelNames: ['server', 'tool', 'outcome'] as const,
  registers: [metricsRegistry],
});

/** UTF-8 bytes of tool output handed back to the model, by server. */
export const mcpToolOutputBytesTotal = new Counter({
  name: 'switchboard_mcp_tool_output_bytes_total',
  help: 'UTF-8 bytes of MCP tool output returned to the model',
  labelNames: ['server'] as const,
  registers: [metricsRegistry],
});

/** Connection attempts after the first one, by server and result. */
export const mcpReconnectsTotal = new Counter({
  name: 'switchboard_mcp_reconnects_total',
  help: 'MCP server reconnection attempts by server and result',
  labelNames: ['server', 'result'] as const,
  registers: [metricsRegistry],
});

export type McpCallOutcome =
  | 'ok'
  | 'tool_error'
  | 'timeout'
  | 'aborted'
  | 'unavailable'
  | 'failed'
  | 'blocked'
  | 'invalid_arguments'
  | 'output_too_large';
