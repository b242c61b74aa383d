import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { Principal } from '@switchboard/auth';
import { toFieldProblems } from '@switchboard/catalogue';
import { Config } from '@switchboard/config';
import { JobEndWaiter } from '../events/job-end.waiter';
import { JobsService } from '../jobs/jobs.service';
import { ProblemException } from '../problems/problem';
import { registerJobTasks } from './job-tasks';
import { jobTools } from './job-tools';
import { toolListing, type McpCallContext, type McpTool } from './mcp-tool';
import { submitTools } from './submit-tools';
import { invalidParams, problemToMcp, textOf } from './tool-results';

const INSTRUCTIONS =
  'Switchboard runs typed LLM agent jobs. Submit one with submit_<role> (its input is the ' +
  "role's catalogue schema; tier 0 stays local), then follow it with wait_for_job (progress " +
  'notifications with a progressToken) or get_job; cancel_job stops it. Submit tools also ' +
  'run as MCP tasks whose id is the job id.';

/**
 * Builds the MCP server for one request and one caller (stateless: every request gets its own
 * server and transport, so any API instance answers any request). The tools are built once.
 */
@Injectable()
export class McpServerFactory implements OnModuleInit {
  private jobs!: JobsService;
  private tools = new Map<string, McpTool>();
  private listing: Tool[] = [];

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly jobEnd: JobEndWaiter,
    private readonly config: Config,
  ) {}

  /** The API's own JobsService (the one the REST routes use), found once everything exists. */
  onModuleInit(): void {
    this.jobs = this.moduleRef.get(JobsService, { strict: false });
    const tools = [...submitTools(this.jobs), ...jobTools(this.jobs, this.jobEnd, this.config)];
    this.tools = new Map(tools.map((t) => [t.name, t]));
    this.listing = tools.map(toolListing);
  }

  create(principal: Principal, traceId?: string): Server {
    const server = new Server(
      { name: 'switchboard', title: 'Switchboard', version: '0.1.0' },
      {
        capabilities: {
          tools: {},
          tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } },
        },
        instructions: INSTRUCTIONS,
      },
    );
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: this.listing }));
    server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
      const { name, arguments: args, task } = request.params;
      const tool = this.tools.get(name);
      if (!tool) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
      if (task && !tool.taskSupport) {
        throw new McpError(ErrorCode.MethodNotFound, `Tool ${name} does not run as a task`);
      }
      const parsed = tool.input.safeParse(args ?? {});
      if (!parsed.success) throw invalidParams(name, toFieldProblems(parsed.error));
      const token = extra._meta?.progressToken;
      const ctx: McpCallContext = {
        principal,
        traceId,
        signal: extra.signal,
        ...(task ? { task: { ttl: task.ttl } } : {}),
        ...(token !== undefined
          ? {
              progress: (progress: number, message: string) =>
                extra.sendNotification({
                  method: 'notifications/progress',
                  params: { progressToken: token, progress, message },
                }),
            }
          : {}),
      };
      try {
        return await tool.call(args ?? {}, ctx);
      } catch (error) {
        if (!(error instanceof ProblemException)) throw error;
        const refusal = problemToMcp(name, error);
        // A task-augmented call answers with a task or not at all: the refusal is an error.
        if (task)
          throw new McpError(ErrorCode.InvalidRequest, textOf(refusal), refusal.structuredContent);
        return refusal;
      }
    });
    registerJobTasks(server, { jobs: this.jobs, jobEnd: this.jobEnd }, principal);
    return server;
  }
}
