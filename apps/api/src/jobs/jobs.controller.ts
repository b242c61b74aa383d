import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBody,
  ApiHeader,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { ApiKeyGuard, CurrentPrincipal, type Principal } from '@switchboard/auth';
import { ROLES, openApiSchemaName } from '@switchboard/catalogue';
import type { Response } from 'express';
import { problemResponses, ref } from '../docs/openapi-refs';
import { JobEndWaiter } from '../events/job-end.waiter';
import type { JobView } from './job.view';
import { JobsService } from './jobs.service';
import { traceIdFrom } from './trace-id';

@ApiTags('jobs')
@ApiSecurity('apiKey')
@UseGuards(ApiKeyGuard)
@Controller('v1/jobs')
export class JobsController {
  constructor(
    private readonly jobs: JobsService,
    private readonly jobEnd: JobEndWaiter,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Submit a job to the mailbox of its role and tier' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Repeat it to get the same job back',
  })
  @ApiBody({
    schema: {
      oneOf: ROLES.map((r) => ref(openApiSchemaName(r, 'JobRequest'))),
      discriminator: { propertyName: 'role' },
    },
  })
  @ApiResponse({ status: 202, description: 'Accepted and enqueued', schema: ref('Job') })
  @ApiResponse({
    status: 200,
    description: 'Same Idempotency-Key: the existing job',
    schema: ref('Job'),
  })
  @ApiResponse(problemResponses(400, 401, 402, 403, 413, 422, 429, 503))
  async submit(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Headers('traceparent') traceparent: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<JobView> {
    const { job, created } = await this.jobs.submit(
      principal.tenantId,
      body,
      idempotencyKey,
      traceIdFrom(traceparent),
      principal.keyId,
    );
    res.status(created ? 202 : 200).location(job.links.self);
    if (!created) res.setHeader('Idempotent-Replayed', 'true');
    return job;
  }

  @Get()
  @ApiOperation({
    summary: "List the tenant's jobs, newest first; filter by status, role and tier",
  })
  @ApiResponse({ status: 200, schema: ref('JobPage') })
  @ApiResponse(problemResponses(400, 401, 429))
  list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: unknown,
  ): Promise<{ data: JobView[]; nextCursor: string | null }> {
    return this.jobs.list(principal.tenantId, query);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Status, progress, result, error, attempts and timestamps of a job',
    description:
      'With `wait` (seconds), an unfinished job is long-polled: the answer comes when it ' +
      'finishes or the wait runs out, whichever is first (for clients without SSE).',
  })
  @ApiQuery({ name: 'wait', required: false, description: 'Seconds to wait for the end' })
  @ApiResponse({ status: 200, schema: ref('Job') })
  @ApiResponse(problemResponses(400, 401, 404, 429))
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Query('wait') wait: unknown,
  ): Promise<JobView> {
    await this.jobEnd.untilFinished(principal.tenantId, id, this.jobEnd.waitMs(wait));
    return this.jobs.get(principal.tenantId, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel a job and its children',
    description:
      'A waiting or delayed job is cancelled at once (200). A running job (or one waiting for ' +
      'its children) is stopped by its worker, its provider requests aborted, and ends ' +
      '`cancelled` with what it used (202, `cancelRequestedAt` set).',
  })
  @ApiResponse({ status: 200, description: 'Cancelled', schema: ref('Job') })
  @ApiResponse({ status: 202, description: 'Being cancelled', schema: ref('Job') })
  @ApiResponse(problemResponses(401, 404, 409, 429))
  async cancel(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<JobView> {
    const { job, accepted } = await this.jobs.cancel(principal.tenantId, id);
    if (accepted) res.status(202);
    return job;
  }

  @Post(':id/retry')
  @HttpCode(202)
  @ApiOperation({ summary: 'Replay a failed job with a fresh set of attempts' })
  @ApiResponse({ status: 202, schema: ref('Job') })
  @ApiResponse(problemResponses(401, 404, 409, 429))
  retry(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<JobView> {
    return this.jobs.retry(principal.tenantId, id);
  }
}
