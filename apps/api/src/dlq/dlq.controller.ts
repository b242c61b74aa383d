import { Body, Controller, Get, HttpCode, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, CurrentPrincipal, type Principal } from '@switchboard/auth';
import { problemResponses, ref } from '../docs/openapi-refs';
import type { JobView } from '../jobs/job.view';
import { JobsService } from '../jobs/jobs.service';
import { DlqService, type ReplayReport } from './dlq.service';

@ApiTags('dead letters')
@ApiSecurity('apiKey')
@UseGuards(ApiKeyGuard)
@Controller('v1/dlq')
export class DlqController {
  constructor(
    private readonly jobs: JobsService,
    private readonly dlq: DlqService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Failed jobs (attempts exhausted or not retryable), newest first' })
  @ApiResponse({ status: 200, schema: ref('JobPage') })
  @ApiResponse(problemResponses(400, 401, 429))
  list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: Record<string, unknown>,
  ): Promise<{ data: JobView[]; nextCursor: string | null }> {
    return this.jobs.list(principal.tenantId, { ...query, status: 'failed' });
  }

  @Post('replay')
  @HttpCode(202)
  @ApiOperation({ summary: 'Replay failed jobs: by id, or the newest matching role/tier' })
  @ApiBody({
    schema: {
      oneOf: [
        {
          type: 'object',
          properties: { ids: { type: 'array', items: { type: 'string', format: 'uuid' } } },
        },
        {
          type: 'object',
          properties: {
            role: { type: 'string' },
            tier: { type: 'integer' },
            limit: { type: 'integer' },
          },
        },
      ],
    },
  })
  @ApiResponse(problemResponses(401, 422, 429))
  replay(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<ReplayReport> {
    return this.dlq.replay(principal.tenantId, body);
  }
}
