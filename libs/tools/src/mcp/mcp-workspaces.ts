import { mkdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import type { McpServerConfig, McpStdioServerConfig } from './mcp-servers.schema';

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
export const WORKSPACE_PLACEHOLDER = '{workspace}';

/** A tenant or job id used as a directory name: nothing that could climb out of the root. */
function segment(kind: string, value: string): string {
  if (!SEGMENT.test(value) || value.includes('..')) {
    throw new Error(`${kind} '${value}' cannot name a workspace directory`);
  }
  return value;
}

/**
 * Creates `<root>/<tenant>/<job>` and returns its real path (symlinks in the root resolved,
 * so servers that compare real paths, like the filesystem server, agree with it).
 */
export async function createWorkspace(
  root: string,
  tenantId: string,
  jobId: string,
): Promise<string> {
  const dir = join(root, segment('tenant', tenantId), segment('job', jobId));
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return realpath(dir);
}

/** A perJob server's config for one workspace: `{workspace}` replaced in args, env and cwd. */
export function forWorkspace(server: McpServerConfig, workspace: string): McpStdioServerConfig {
  if (server.transport !== 'stdio') {
    throw new Error(`perJob server '${server.name}' must use the stdio transport`);
  }
  const put = (value: string) => value.split(WORKSPACE_PLACEHOLDER).join(workspace);
  return {
    ...server,
    args: server.args.map(put),
    env: Object.fromEntries(Object.entries(server.env).map(([k, v]) => [k, put(v)])),
    cwd: server.cwd === undefined ? workspace : put(server.cwd),
  };
}
