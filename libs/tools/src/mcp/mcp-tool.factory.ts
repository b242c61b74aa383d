import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import picomatch from 'picomatch';
import type { ToolCallContext, ToolDefinition, ToolOutput } from '../tool.types';
import type { McpServerConfig } from './mcp-servers.schema';
import { argumentsChecker } from './tool-arguments.check';
import type { McpToolDefinition } from './tool-hash';

/** The providers' tool-name rule. */
export const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
export const SEPARATOR = '__';

/** `<server>__<tool>`, or null when the result breaks the providers' rule. */
export function mcpToolName(server: string, tool: string): string | null {
  const name = `${server}${SEPARATOR}${tool}`;
  return TOOL_NAME.test(name) ? name : null;
}

/** What approval covers, from the server's listing. */
export function definitionOf(tool: Tool): McpToolDefinition {
  return {
    name: tool.name,
    description: tool.description ?? tool.title ?? '',
    inputSchema: tool.inputSchema,
    annotations: tool.annotations ?? {},
  };
}

/** Picomatch over tool names (no `/` in them, so `*` spans the whole name). */
export function toolMatcher(patterns: readonly string[]): (tool: string) => boolean {
  const matchers = patterns.map((p) => picomatch(p, { dot: true }));
  return (tool) => matchers.some((m) => m(tool));
}

/**
 * Side effects: the server's `sideEffects` patterns, or the tool's own annotations
 * (readOnlyHint false, or destructiveHint true). A tool without annotations and not named by
 * a pattern is taken as read-only: declare it in `sideEffects` otherwise.
 */
export function hasSideEffects(
  definition: McpToolDefinition,
  sideEffectPatterns: (tool: string) => boolean,
): boolean {
  const { readOnlyHint, destructiveHint } = definition.annotations;
  return sideEffectPatterns(definition.name) || readOnlyHint === false || destructiveHint === true;
}

/** What a tool definition takes from its server's config. */
export type McpToolSettings = Pick<
  McpServerConfig,
  'name' | 'local' | 'parallel' | 'timeouts' | 'maxOutputBytes' | 'roles'
>;

export interface McpToolSpec {
  config: McpToolSettings;
  name: string;
  definition: McpToolDefinition;
  sideEffects: boolean;
  invoke: (args: unknown, ctx: ToolCallContext) => Promise<ToolOutput>;
}

/** One MCP tool as the registry and the tool loop see it. */
export function buildToolDefinition(spec: McpToolSpec): ToolDefinition {
  const { config, definition } = spec;
  return {
    name: spec.name,
    description: definition.description,
    inputSchema: definition.inputSchema,
    origin: { kind: 'mcp', server: config.name },
    ...(config.roles.length > 0 ? { roles: config.roles } : {}),
    privacyCompatible: config.local,
    sideEffects: spec.sideEffects,
    parallel: config.parallel,
    timeoutMs: config.timeouts.callMs,
    maxOutputBytes: config.maxOutputBytes,
    check: argumentsChecker(definition.inputSchema),
    invoke: spec.invoke,
  };
}
