import { Module } from '@nestjs/common';
import { ToolsModule } from '../tools.module';
import { McpJobSessions } from './mcp-job-sessions.service';
import { mcpServersProvider, toolApprovalsProvider } from './mcp.providers';
import { McpSharedServers } from './mcp-shared-servers.service';

/**
 * The worker's MCP client: shared servers connected at boot and added to the tool registry,
 * perJob servers started per job. Needs the config and persistence modules.
 */
@Module({
  imports: [ToolsModule],
  providers: [mcpServersProvider, toolApprovalsProvider, McpSharedServers, McpJobSessions],
  exports: [McpSharedServers, McpJobSessions],
})
export class McpWorkerModule {}
