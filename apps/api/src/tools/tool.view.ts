import type { ToolDefinition } from '@switchboard/tools';

/** A tool as GET /v1/tools shows it. */
export interface ToolView {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
  /** `local`, or the MCP server it comes from. */
  origin: string;
  privacyCompatible: boolean;
  sideEffects: boolean;
}

export function toToolView(tool: ToolDefinition): ToolView {
  return {
    name: tool.name,
    description: tool.description,
    inputSchema: tool.inputSchema,
    origin: tool.origin.kind === 'local' ? 'local' : tool.origin.server,
    privacyCompatible: tool.privacyCompatible,
    sideEffects: tool.sideEffects,
  };
}
