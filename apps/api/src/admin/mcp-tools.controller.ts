import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AdminGuard } from '@switchboard/auth';
import {
  ApprovedToolsSource,
  ToolApprovalsRepository,
  type ToolApprovalRecord,
} from '@switchboard/tools';
import { z } from 'zod';
import { problemResponses } from '../docs/openapi-refs';
import { ProblemException } from '../problems/problem';

const ACTOR = 'admin-api';
const approveBody = z.strictObject({
  hash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});
const listQuery = z.strictObject({
  server: z.string().min(1).optional(),
  history: z.enum(['true', 'false']).optional(),
});

interface ToolApprovalView extends ToolApprovalRecord {
  /** The tool's name for the model. */
  name: string;
}

const view = (r: ToolApprovalRecord): ToolApprovalView => ({
  name: `${r.server}__${r.tool}`,
  ...r,
});

/** MCP tool approvals: which definitions workers saw, by hash, and approving a changed one. */
@ApiTags('admin')
@ApiSecurity('admin')
@UseGuards(AdminGuard)
@Controller('v1/admin/mcp')
export class McpToolsController {
  constructor(
    private readonly approvals: ToolApprovalsRepository,
    private readonly source: ApprovedToolsSource,
  ) {}

  @Get('tools')
  @ApiOperation({
    summary: "MCP tools with their current definition's hash and status (history=true: every hash)",
  })
  @ApiResponse(problemResponses(401, 422))
  async list(@Query() query: unknown): Promise<{ data: ToolApprovalView[] }> {
    const parsed = listQuery.safeParse(query);
    if (!parsed.success) {
      throw new ProblemException(422, 'invalid-query', 'Query: server=<name>, history=true|false.');
    }
    const { server, history } = parsed.data;
    const records = await this.approvals.list({ server, currentOnly: history !== 'true' });
    return { data: records.map(view) };
  }

  @Post('servers/:server/tools/:tool/approve')
  @HttpCode(200)
  @ApiOperation({
    summary: "Approve a tool's current definition; with `hash`, only if that is still current",
  })
  @ApiBody({
    required: false,
    schema: { type: 'object', properties: { hash: { type: 'string' } } },
  })
  @ApiResponse(problemResponses(401, 404, 409, 422))
  async approve(
    @Param('server') server: string,
    @Param('tool') tool: string,
    @Body() body: unknown,
  ): Promise<ToolApprovalView> {
    const parsed = approveBody.safeParse(body ?? {});
    if (!parsed.success) {
      throw new ProblemException(
        422,
        'invalid-input',
        'The body must be {} or {"hash": "<sha256 hex>"}.',
      );
    }
    const result = await this.approvals.approve(server, tool, ACTOR, parsed.data.hash);
    if (!result) {
      throw new ProblemException(
        404,
        'not-found',
        `No MCP tool '${tool}' of server '${server}' was seen.`,
      );
    }
    if (result.stale) {
      throw new ProblemException(
        409,
        'conflict',
        `The definition of '${tool}' changed: its current hash is ${result.current.hash}.`,
        { currentHash: result.current.hash },
      );
    }
    await this.source.refresh();
    return view(result.record);
  }
}
