import { Module } from '@nestjs/common';
import { McpApiModule } from '@switchboard/tools';
import { McpToolsController } from './mcp-tools.controller';

/** The admin endpoints for MCP tool approvals, and the API's view of approved MCP tools. */
@Module({ imports: [McpApiModule], controllers: [McpToolsController] })
export class McpAdminModule {}
