import { Logger } from '@nestjs/common';
import type { RunToolProvider, RunToolSources, ToolDefinition, ToolSource } from './tool.types';
import { mayShowServer, type ToolJob } from './tool-visibility';

const logger = new Logger('RunTools');

const NONE: RunToolSources = { sources: [], close: () => Promise.resolve() };

/**
 * Starts, for one run of a job's tool loop, the per-run servers (perJob MCP servers) of which
 * at least one tool could be visible to it, judged by name prefix before anything starts.
 * Nothing is started when none could be. A provider failing to open closes what the others
 * opened, then throws.
 */
export async function openRunTools(
  providers: readonly RunToolProvider[],
  job: ToolJob & { tenantId: string; jobId: string },
  narrowing?: readonly string[],
): Promise<RunToolSources> {
  const opened: RunToolSources[] = [];
  const closeAll = async () => {
    await Promise.allSettled(opened.map((o) => o.close()));
  };
  try {
    for (const provider of providers) {
      const names = provider
        .servers()
        .filter((server) => mayShowServer(server, job, narrowing))
        .map((server) => server.name);
      if (names.length === 0) continue;
      opened.push(await provider.open({ tenantId: job.tenantId, jobId: job.jobId }, names));
    }
  } catch (error) {
    await closeAll();
    throw error;
  }
  if (opened.length === 0) return NONE;
  return { sources: opened.flatMap((o) => o.sources), close: closeAll };
}

const byName = (a: ToolDefinition, b: ToolDefinition) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/**
 * The registry's tools plus those of a run's sources, sorted by name. A run tool whose name
 * is taken (by the registry or an earlier source) is left out with a warning.
 */
export function withRunTools(
  registered: readonly ToolDefinition[],
  sources: readonly ToolSource[],
): ToolDefinition[] {
  if (sources.length === 0) return [...registered];
  const tools = new Map(registered.map((t) => [t.name, t]));
  for (const source of sources) {
    for (const tool of source.tools()) {
      if (tools.has(tool.name)) {
        logger.warn(`tool '${tool.name}' of run source '${source.name}' is taken; ignored`);
        continue;
      }
      tools.set(tool.name, tool);
    }
  }
  return [...tools.values()].sort(byName);
}
