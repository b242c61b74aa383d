import { Inject, Injectable } from '@nestjs/common';
import { Config } from '@switchboard/config';
import { MCP_SERVERS } from './mcp.providers';
import { openJobTools, type McpJobTools } from './mcp-job-tools';
import type { McpServerConfig } from './mcp-servers.schema';
import { ToolApprovalsRepository } from './tool-approvals.repository';

/** Starts a job's perJob MCP servers in its workspace (`<MCP_WORKSPACE_ROOT>/<tenant>/<job>`). */
@Injectable()
export class McpJobSessions {
  constructor(
    @Inject(MCP_SERVERS) private readonly servers: McpServerConfig[],
    private readonly approvals: ToolApprovalsRepository,
    private readonly config: Config,
  ) {}

  /** Whether any server is perJob (no workspace is made otherwise). */
  get needed(): boolean {
    return this.servers.some((s) => s.workspace === 'perJob');
  }

  open(tenantId: string, jobId: string): Promise<McpJobTools> {
    return openJobTools(
      this.servers,
      { root: this.config.mcp.workspaceRoot, tenantId, jobId },
      { approvals: this.approvals },
    );
  }
}
