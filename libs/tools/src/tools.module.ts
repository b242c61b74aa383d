import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CalculatorTool } from './builtin/calculator.tool';
import { CodeCheckTool } from './builtin/code-check.tool';
import { CurrentTimeTool } from './builtin/current-time.tool';
import { HttpFetchTool } from './builtin/http-fetch.tool';
import { HttpRequestTool } from './builtin/http-request.tool';
import { JsonQueryTool } from './builtin/json-query.tool';
import { ToolInvocationsRepository } from './tool-invocations.repository';
import { ToolRegistry } from './tool-registry';
import { ToolsCapability } from './tools.capability';

export const BUILTIN_TOOLS = [
  CodeCheckTool,
  CalculatorTool,
  CurrentTimeTool,
  JsonQueryTool,
  HttpFetchTool,
  HttpRequestTool,
];

/**
 * The tool registry, the built-in tools and `ctx.tools` (found by the actors' capability
 * registry where the actors run). Global: one registry per process, which job submission
 * anywhere checks against. Needs the config and persistence modules.
 */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [ToolRegistry, ToolInvocationsRepository, ToolsCapability, ...BUILTIN_TOOLS],
  exports: [ToolRegistry],
})
export class ToolsModule {}
