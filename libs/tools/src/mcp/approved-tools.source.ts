import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Config } from '@switchboard/config';
import type { ToolDefinition, ToolSource } from '../tool.types';
import { ToolRegistry } from '../tool-registry';
import { MCP_SERVERS } from './mcp.providers';
import type { McpServerConfig } from './mcp-servers.schema';
import {
  buildToolDefinition,
  hasSideEffects,
  mcpToolName,
  toolMatcher,
  type McpToolSettings,
} from './mcp-tool.factory';
import { ToolApprovalsRepository } from './tool-approvals.repository';

// A server the API's config does not name: nothing is claimed for it.
const unknownServer = (name: string): McpToolSettings => ({
  name,
  local: false,
  parallel: true,
  timeouts: { connectMs: 30_000, callMs: 60_000 },
  maxOutputBytes: 100_000,
  roles: [],
});

/**
 * MCP tools as the API sees them: the API connects to no server, so it lists the approved
 * current definitions that workers recorded in `mcp_tool_approvals` (read at boot, every
 * MCP_APPROVAL_POLL_MS and after an approval). Calling one here is a tool error: MCP tools
 * run in workers.
 */
@Injectable()
export class ApprovedToolsSource
  implements ToolSource, OnApplicationBootstrap, OnApplicationShutdown
{
  readonly name = 'mcp:approved';
  private readonly logger = new Logger(ApprovedToolsSource.name);
  private current: readonly ToolDefinition[] = [];
  private readonly listeners = new Set<() => void>();
  private timer?: NodeJS.Timeout;
  private key = '';

  constructor(
    private readonly approvals: ToolApprovalsRepository,
    private readonly registry: ToolRegistry,
    @Inject(MCP_SERVERS) private readonly servers: McpServerConfig[],
    private readonly config: Config,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.registry.addSource(this);
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.config.mcp.approvalPollMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  tools(): readonly ToolDefinition[] {
    return this.current;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async refresh(): Promise<void> {
    let records;
    try {
      records = await this.approvals.list({ currentOnly: true });
    } catch (error) {
      this.logger.warn(`reading MCP tool approvals failed: ${(error as Error).message}`);
      return;
    }
    const approved = records.filter((r) => r.status === 'approved');
    const key = approved.map((r) => `${r.server}/${r.tool}/${r.hash}`).join(',');
    if (key === this.key) return;
    const servers = new Map(this.servers.map((s) => [s.name, s]));
    const tools: ToolDefinition[] = [];
    for (const record of approved) {
      const server = servers.get(record.server);
      if (server && !toolMatcher(server.allowedTools)(record.tool)) continue;
      const name = mcpToolName(record.server, record.tool);
      if (!name) continue;
      const sideEffects = toolMatcher(server?.sideEffects ?? []);
      tools.push(
        buildToolDefinition({
          config: server ?? unknownServer(record.server),
          name,
          definition: record.definition,
          sideEffects: hasSideEffects(record.definition, sideEffects),
          invoke: () =>
            Promise.resolve({
              content: `Tool ${name} runs only in workers (MCP servers are not connected here).`,
              isError: true,
            }),
        }),
      );
    }
    this.key = key;
    this.current = tools;
    for (const listener of this.listeners) listener();
  }
}
