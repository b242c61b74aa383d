import { ErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { FieldProblem } from '@switchboard/catalogue';
import { FINISHED_STATUSES } from '@switchboard/catalogue';
import type { JobView } from '../jobs/job.view';
import { ProblemException } from '../problems/problem';

/** How much of a result the text summary quotes; the structured content has all of it. */
const QUOTE_CHARS = 2_000;

function quote(value: unknown): string {
  const text =
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { text?: unknown }).text === 'string'
      ? (value as { text: string }).text
      : JSON.stringify(value);
  return text.length > QUOTE_CHARS
    ? `${text.slice(0, QUOTE_CHARS)}… (cut; see structuredContent)`
    : text;
}

/** One line or two about a job: what it is, where it is, and how it ended. */
export function jobSummary(job: JobView): string {
  const head = `Job ${job.id} (${job.role}, tier ${job.tier}) is ${job.status}`;
  switch (job.status) {
    case 'completed':
      return `${head}. Result: ${quote(job.result)}`;
    case 'failed':
      return `${head}: ${job.error?.message ?? 'no error recorded'}${job.error?.code ? ` (${job.error.code})` : ''}.`;
    case 'cancelled':
      return `${head}.`;
    case 'queued':
    case 'delayed':
    case 'active':
    case 'waiting_children':
      return job.cancelRequestedAt ? `${head}; its cancellation is under way.` : `${head}.`;
  }
}

export const isJobFinished = (job: JobView): boolean => FINISHED_STATUSES.includes(job.status);

/** A job as a tool result: the job view as structured content, a summary as text. */
export function jobResult(job: JobView, lead?: string): CallToolResult {
  const text = lead ? `${lead} ${jobSummary(job)}` : jobSummary(job);
  return {
    content: [{ type: 'text', text }],
    structuredContent: job as unknown as Record<string, unknown>,
  };
}

/** The JSON-RPC invalid params error for arguments that broke the tool's schema. */
export function invalidParams(tool: string, errors: readonly FieldProblem[]): McpError {
  const list = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
  return new McpError(ErrorCode.InvalidParams, `Invalid arguments for ${tool}: ${list}`, {
    errors,
  });
}

/** Problems that mean "your arguments are wrong" become invalid params errors. */
const ARGUMENT_PROBLEMS = new Set([
  'invalid-input',
  'invalid-query',
  'invalid-idempotency-key',
  'unknown-role-or-tier',
]);

/**
 * A refusal of the services as MCP: bad arguments are a protocol error (invalid params); the
 * rest (not found, finished, budget spent, queue down...) is a tool error result the model can
 * read. A job that is not the caller's is "not found", like one that does not exist.
 */
export function problemToMcp(tool: string, error: ProblemException): CallToolResult {
  const { code, detail, ...extensions } = error.getResponse() as {
    code: string;
    detail: string;
    errors?: FieldProblem[];
  };
  if (ARGUMENT_PROBLEMS.has(code)) {
    const field = code === 'invalid-idempotency-key' ? 'idempotencyKey' : '(arguments)';
    throw invalidParams(tool, extensions.errors ?? [{ field, message: detail }]);
  }
  const text = code === 'not-found' ? `Not found: ${detail}` : detail;
  return {
    content: [{ type: 'text', text }],
    structuredContent: { error: { status: error.getStatus(), code, detail, ...extensions } },
    isError: true,
  };
}

/** The text of a result's first text block. */
export function textOf(result: CallToolResult): string {
  const block = result.content.find((c) => c.type === 'text');
  return block?.type === 'text' ? block.text : '';
}
