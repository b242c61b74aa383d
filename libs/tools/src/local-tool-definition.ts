import { z } from 'zod';
import type { LocalToolHandler, LocalToolOptions } from './local-tool.decorator';
import type { ArgumentCheck, ToolDefinition } from './tool.types';

export const TOOL_NAME_RULE = /^[A-Za-z0-9_-]{1,64}$/;

export interface ToolDefaults {
  timeoutMs: number;
  maxOutputBytes: number;
}

/** The JSON Schema of a zod arguments schema, as providers take it for tool parameters. */
export function toolInputSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return json;
}

/** zod's issues as one line the model can act on: `path: message; ...`. */
export function checkWith(schema: z.ZodType, args: unknown): ArgumentCheck {
  const parsed = schema.safeParse(args);
  if (parsed.success) return { ok: true, value: parsed.data };
  const problems = parsed.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  return { ok: false, error: problems.join('; ') };
}

/** A declared local tool as the registry and the loop see every tool. */
export function localToolDefinition(
  options: LocalToolOptions,
  handler: LocalToolHandler,
  defaults: ToolDefaults,
): ToolDefinition {
  const sideEffects = options.sideEffects ?? false;
  return {
    name: options.name,
    description: options.description,
    inputSchema: toolInputSchema(options.input),
    origin: { kind: 'local' },
    privacyCompatible: options.privacyCompatible,
    sideEffects,
    parallel: options.parallel ?? !sideEffects,
    timeoutMs: options.timeoutMs ?? defaults.timeoutMs,
    maxOutputBytes: options.maxOutputBytes ?? defaults.maxOutputBytes,
    check: (args) => checkWith(options.input, args),
    invoke: async (args, ctx) => {
      const output = await handler.run(args, ctx);
      return typeof output === 'string' ? { content: output } : output;
    },
  };
}
