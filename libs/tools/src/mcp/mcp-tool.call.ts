import { Logger } from '@nestjs/common';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { ToolCallContext, ToolOutput } from '../tool.types';
import { McpUnavailableError, type McpConnection } from './mcp-connection';
import { errorMessage, toToolOutput, utf8Bytes } from './mcp-content';
import { mcpToolCallsTotal, mcpToolOutputBytesTotal, type McpCallOutcome } from './mcp.metrics';

const logger = new Logger('McpToolCall');
const SNIPPET = 300;

export interface McpCallRequest {
  connection: McpConnection;
  /** The tool's name on its server. */
  tool: string;
  /** Its name for the model (`<server>__<tool>`). */
  name: string;
  timeoutMs: number;
  maxOutputBytes: number;
  /** Whether the definition the model saw is still the approved one. */
  approved(): boolean;
}

/**
 * Calls an MCP tool for a job. Every failure (blocked, down, timeout, abort, garbage, a tool
 * error) comes back as an `isError` output: the loop tells the model and goes on. Tool
 * errors (refusals such as a path outside the workspace) are logged with the job and counted.
 */
export async function callMcpTool(
  request: McpCallRequest,
  args: unknown,
  ctx: ToolCallContext,
): Promise<ToolOutput> {
  const server = request.connection.config.name;
  const count = (outcome: McpCallOutcome) =>
    mcpToolCallsTotal.inc({ server, tool: request.tool, outcome });
  const fail = (outcome: McpCallOutcome, content: string): ToolOutput => {
    count(outcome);
    logger.warn(
      `${request.name} ${outcome} (job ${ctx.jobId}, tenant ${ctx.tenantId}): ${content.slice(0, SNIPPET)}`,
    );
    return { content, isError: true };
  };

  if (!request.approved()) {
    return fail(
      'blocked',
      `Tool ${request.name} is blocked: its definition changed or awaits an admin's approval.`,
    );
  }
  if (args === null || typeof args !== 'object' || Array.isArray(args)) {
    return fail('invalid_arguments', 'The arguments must be a JSON object.');
  }
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = AbortSignal.any([ctx.signal, timeout]);
  let output: ToolOutput;
  try {
    const result = await request.connection.call(request.tool, args as Record<string, unknown>, {
      signal,
      timeoutMs: request.timeoutMs,
    });
    output = toToolOutput(result);
  } catch (error) {
    if (ctx.signal.aborted) return fail('aborted', `Tool ${request.name} was cancelled.`);
    if (timeout.aborted || (error instanceof McpError && error.code === ErrorCode.RequestTimeout)) {
      return fail('timeout', `Tool ${request.name} timed out after ${request.timeoutMs} ms.`);
    }
    if (error instanceof McpUnavailableError) return fail('unavailable', error.message);
    const message = errorMessage(error);
    const status =
      error instanceof StreamableHTTPError && error.code ? ` (HTTP ${error.code})` : '';
    return fail('failed', `Tool ${request.name} failed${status}: ${message.slice(0, 2_000)}`);
  }
  const bytes = utf8Bytes(output.content);
  mcpToolOutputBytesTotal.inc({ server }, bytes);
  if (bytes > request.maxOutputBytes) {
    return fail(
      'output_too_large',
      `Tool ${request.name} returned ${bytes} bytes, over its limit of ${request.maxOutputBytes}.`,
    );
  }
  if (output.isError) return { ...fail('tool_error', output.content), data: output.data };
  count('ok');
  return output;
}
