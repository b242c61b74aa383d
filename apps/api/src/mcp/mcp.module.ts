import { Module } from '@nestjs/common';
import { AuthModule } from '@switchboard/auth';
import { EventsModule } from '../events/events.module';
import { JobsService } from '../jobs/jobs.service';
import { McpController } from './mcp.controller';
import { McpServerFactory } from './mcp-server.factory';

/** The MCP server at /mcp: the job API as MCP tools and tasks, through the same services. */
@Module({
  imports: [AuthModule, EventsModule],
  controllers: [McpController],
  providers: [JobsService, McpServerFactory],
})
export class McpModule {}
