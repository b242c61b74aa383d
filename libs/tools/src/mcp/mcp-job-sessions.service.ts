import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Config } from '@switchboard/config';
import { ToolRegistry } from '../tool-registry';
import type { RunToolProvider, RunToolServer } from '../tool.types';
import { MCP_SERVERS } from './mcp.providers';
import { openJobTools, type McpJobTools } from './mcp-job-tools';
import type { McpServerConfig } from './mcp-servers.schema';
import { SEPARATOR } from './mcp-tool.factory';
import { ToolApprovalsRepository } from './tool-approvals.repository';

/**
 * Starts a job's perJob MCP servers in its workspace (`<MCP_WORKSPACE_ROOT>/<tenant>/<job>`).
 * Registered with the tool registry as a run provider: each `ctx.tools.run(...)` that may use
 * one of these servers' tools starts them for that run and closes them when it ends. Their
 * definitions are recorded in `mcp_tool_approvals` like a shared server's.
 */
@Injectable()
export class McpJobSessions implements RunToolProvider, OnModuleInit {
  readonly name = 'mcp:perJob';
  private readonly perJob: readonly McpServerConfig[];

  constructor(
    @Inject(MCP_SERVERS) servers: McpServerConfig[],
    private readonly approvals: ToolApprovalsRepository,
    private readonly config: Config,
    private readonly registry: ToolRegistry,
  ) {
    this.perJob = servers.filter((s) => s.workspace === 'perJob');
  }

  onModuleInit(): void {
    if (this.needed) this.registry.addRunProvider(this);
  }

  /** Whether any server is perJob (no workspace is made otherwise). */
  get needed(): boolean {
    return this.perJob.length > 0;
  }

  servers(): readonly RunToolServer[] {
    return this.perJob.map((s) => ({
      name: s.name,
      prefix: `${s.name}${SEPARATOR}`,
      roles: s.roles,
      privacyCompatible: s.local,
    }));
  }

  /** Starts the job's perJob servers (only those named, when `servers` is given). */
  open(
    job: { tenantId: string; jobId: string },
    servers?: readonly string[],
  ): Promise<McpJobTools> {
    const chosen = servers ? this.perJob.filter((s) => servers.includes(s.name)) : this.perJob;
    return openJobTools(
      chosen,
      { root: this.config.mcp.workspaceRoot, ...job },
      { approvals: this.approvals, approvalPollMs: this.config.mcp.approvalPollMs },
    );
  }
}
