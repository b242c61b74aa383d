import type {
  CallToolResult,
  CreateTaskResult,
  Tool,
  ToolAnnotations,
} from '@modelcontextprotocol/sdk/types.js';
import type { Principal } from '@switchboard/auth';
import { z } from 'zod';

/** What one tools/call knows besides its arguments: who calls, and how to answer. */
export interface McpCallContext {
  principal: Principal;
  traceId?: string;
  /** Aborted when the client cancels the request or goes away. */
  signal: AbortSignal;
  /** Sends a progress notification; present only when the client passed a progressToken. */
  progress?: (progress: number, message: string) => Promise<void>;
  /** Present on a task-augmented call: the tool answers with a CreateTaskResult. */
  task?: { ttl?: number };
}

/** One MCP tool: its schema (listed as JSON Schema, enforced with zod) and its handler. */
export interface McpTool {
  name: string;
  title: string;
  description: string;
  input: z.ZodType;
  annotations?: ToolAnnotations;
  /** 'optional': the tool may be called as a task (MCP tasks); absent means never. */
  taskSupport?: 'optional';
  /** Gets the arguments as the client sent them, once they have passed `input`. */
  call(args: unknown, ctx: McpCallContext): Promise<CallToolResult | CreateTaskResult>;
}

/** Types a tool's handler by its schema; the arguments it gets are the validated ones as sent. */
export function defineTool<S extends z.ZodType>(
  tool: Omit<McpTool, 'input' | 'call'> & {
    input: S;
    call(args: z.input<S>, ctx: McpCallContext): Promise<CallToolResult | CreateTaskResult>;
  },
): McpTool {
  return tool;
}

/** The tools/list entry: the zod schema as JSON Schema (draft 2020-12, what MCP expects). */
export function toolListing(tool: McpTool): Tool {
  const inputSchema = z.toJSONSchema(tool.input, {
    io: 'input',
    unrepresentable: 'any',
  }) as Tool['inputSchema'];
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema,
    ...(tool.annotations ? { annotations: tool.annotations } : {}),
    ...(tool.taskSupport ? { execution: { taskSupport: tool.taskSupport } } : {}),
  };
}
