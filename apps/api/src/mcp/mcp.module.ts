import { Module } from '@nestjs/common';
import { AuthModule } from '@switchboard/auth';
import { EventsModule } from '../events/events.module';
import { McpController } from './mcp.controller';
import { McpServerFactory } from './mcp-server.factory';

/** The MCP server at /mcp: the job API as MCP tools and tasks, through the same services. */
@Module({
  imports: [AuthModule, EventsModule],
  controllers: [McpController],
  // JobsService is the API module's own, found by McpServerFactory at init.
  providers: [McpServerFactory],
})
export class McpModule {}
