import type { Provider } from '@nestjs/common';
import { Config } from '@switchboard/config';
import { DataSource } from 'typeorm';
import { loadMcpServers } from './load-mcp-servers';
import type { McpServerConfig } from './mcp-servers.schema';
import { ToolApprovalsRepository } from './tool-approvals.repository';

/** The servers of MCP_SERVERS_FILE (none without it); a bad file stops boot, naming the field. */
export const MCP_SERVERS = Symbol('MCP_SERVERS');

export const mcpServersProvider: Provider = {
  provide: MCP_SERVERS,
  inject: [Config],
  useFactory: (config: Config): McpServerConfig[] =>
    config.mcp.serversFile ? loadMcpServers(config.mcp.serversFile) : [],
};

export const toolApprovalsProvider: Provider = {
  provide: ToolApprovalsRepository,
  inject: [DataSource],
  useFactory: (db: DataSource) => new ToolApprovalsRepository(db),
};
