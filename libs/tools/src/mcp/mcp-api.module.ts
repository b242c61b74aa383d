import { Module } from '@nestjs/common';
import { ToolsModule } from '../tools.module';
import { ApprovedToolsSource } from './approved-tools.source';
import { mcpServersProvider, toolApprovalsProvider } from './mcp.providers';
import { ToolApprovalsRepository } from './tool-approvals.repository';

/**
 * MCP for the API process: the approvals (for the admin endpoints) and the approved MCP tools
 * workers recorded, listed through the tool registry. Connects to no server.
 */
@Module({
  imports: [ToolsModule],
  providers: [mcpServersProvider, toolApprovalsProvider, ApprovedToolsSource],
  exports: [ToolApprovalsRepository, ApprovedToolsSource],
})
export class McpApiModule {}
