import { Logger } from '@nestjs/common';
import type { McpServerConfig } from './mcp-servers.schema';
import { McpToolSource, type McpToolSourceOptions } from './mcp-tool.source';
import { createWorkspace, forWorkspace } from './mcp-workspaces';

const logger = new Logger('McpJobTools');

/** The perJob servers of one job, started in its workspace; close them when the job ends. */
export interface McpJobTools {
  workspace: string;
  sources: readonly McpToolSource[];
  close(): Promise<void>;
}

/**
 * Starts every perJob server for a job, rooted in `<root>/<tenant>/<job>`. A server that
 * fails to start is logged and keeps retrying in the background; the others are not held up.
 * The workspace directory is kept after close (the job's files live there).
 */
export async function openJobTools(
  servers: readonly McpServerConfig[],
  job: { root: string; tenantId: string; jobId: string },
  options: McpToolSourceOptions = {},
): Promise<McpJobTools> {
  const workspace = await createWorkspace(job.root, job.tenantId, job.jobId);
  const sources = servers
    .filter((s) => s.workspace === 'perJob')
    .map((s) => McpToolSource.fromConfig(forWorkspace(s, workspace), options));
  const started = await Promise.allSettled(sources.map((s) => s.start()));
  started.forEach((result, i) => {
    if (result.status === 'rejected' || !result.value) {
      logger.warn(`job ${job.jobId}: perJob server '${sources[i].server.name}' did not start yet`);
    }
  });
  return {
    workspace,
    sources,
    close: async () => {
      await Promise.allSettled(sources.map((s) => s.close()));
    },
  };
}
