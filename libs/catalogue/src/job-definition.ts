import type { z } from 'zod';
import type { RoleJobOptions } from './job-options';

/** One role's entry in the catalogue: its schemas, defaults and a one-line description. */
export interface JobDefinition<I extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  description: string;
  input: I;
  result: R;
  options: RoleJobOptions;
  /**
   * The tools the role's agent may call, as glob patterns (picomatch) over tool names:
   * built-in tools by name, MCP tools as `<server>__<tool>`. A job may narrow it
   * (`allowedTools`), never widen it; an MCP server's `roles` may add its own tools.
   */
  tools: readonly string[];
}

export function defineJob<I extends z.ZodType, R extends z.ZodType>(
  definition: JobDefinition<I, R>,
): JobDefinition<I, R> {
  return definition;
}
