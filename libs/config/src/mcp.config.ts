import { resolve } from 'node:path';
import { z } from 'zod';
import { intFromEnv, type Env } from './env';

export const mcpSchema = z.object({
  MCP_SERVERS_FILE: z.string().min(1).optional(),
  MCP_WORKSPACE_ROOT: z.string().min(1).optional(),
  MCP_APPROVAL_POLL_MS: intFromEnv(100, 3_600_000).default(10_000),
});

export interface McpConfig {
  /** The MCP servers file (JSON, see docs/mcp.md); without it, no MCP server is used. */
  serversFile?: string;
  /** Per-job workspaces live at `<root>/<tenant>/<job>` (default `<data dir>/workspaces`). */
  workspaceRoot: string;
  /** How often a process re-reads tool approvals, so an admin's approval reaches it. */
  approvalPollMs: number;
}

export function mcpConfig(env: Env): McpConfig {
  const v = mcpSchema.parse(env);
  const dataDir = env.SWITCHBOARD_DATA_DIR || '.data';
  return {
    serversFile: v.MCP_SERVERS_FILE,
    workspaceRoot: resolve(v.MCP_WORKSPACE_ROOT ?? `${dataDir}/workspaces`),
    approvalPollMs: v.MCP_APPROVAL_POLL_MS,
  };
}
