import { Module } from '@nestjs/common';
import { BudgetModule } from '@switchboard/budget';
import { ConfigModule } from '@switchboard/config';
import { InvocationDrain, InvocationLog } from '@switchboard/llm';
import { PersistenceModule } from '@switchboard/persistence';
import { RedisModule } from '@switchboard/redis';
import { StreamsModule } from '@switchboard/streams';
import { LocalTool, ToolsModule } from '@switchboard/tools';
import { z } from 'zod';

/**
 * The bench's no-op tool. Its name sits under `git__` because the catalogue's role
 * allowlists admit only the built-in names and MCP namespaces; coders may call `git__*`.
 * Declared like any local tool (zod arguments, checked by the loop), read-only and parallel.
 */
export const NOOP_TOOL = 'git__bench_noop';

@LocalTool({
  name: NOOP_TOOL,
  description: 'Does nothing and answers an empty JSON object (benchmark tool).',
  input: z.strictObject({ turn: z.number().int().min(1) }),
  privacyCompatible: true,
  parallel: true,
})
export class BenchNoopTool {
  async run(): Promise<string> {
    return '{}';
  }
}

/**
 * What `ctx.tools` needs around a router, as the worker has it: config, the shared Redis
 * client (provider gate, job event streams), PostgreSQL (tool_invocations, the invocation
 * log; budgets, which its drainer settles), the tool registry with the built-in tools, and the bench's no-op tool. No LlmService,
 * so no health checks reach the fake server while runs are timed.
 */
@Module({
  imports: [
    ConfigModule,
    PersistenceModule.forRoot('bench-tools'),
    RedisModule,
    BudgetModule,
    StreamsModule,
    ToolsModule,
  ],
  providers: [InvocationLog, InvocationDrain, BenchNoopTool],
})
export class ToolsBenchModule {}
