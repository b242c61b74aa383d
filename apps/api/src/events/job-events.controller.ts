import { Controller, Get, Headers, Param, Query, Res, UseGuards } from '@nestjs/common';
import {
  ApiHeader,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { ApiKeyGuard, CurrentPrincipal, type Principal } from '@switchboard/auth';
import { JobRecordsRepository } from '@switchboard/persistence';
import type { Response } from 'express';
import { problemResponses, ref } from '../docs/openapi-refs';
import { ProblemException } from '../problems/problem';
import { JobEventStreamService } from './job-event-stream.service';
import { streamPosition } from './stream-position';

@ApiTags('jobs')
@ApiSecurity('apiKey')
@UseGuards(ApiKeyGuard)
@Controller('v1/jobs')
export class JobEventsController {
  constructor(
    private readonly records: JobRecordsRepository,
    private readonly streams: JobEventStreamService,
  ) {}

  @Get(':id/events')
  @ApiOperation({
    summary: "Follow a job's events live (server-sent events), resumable with Last-Event-ID",
    description:
      'Each event is `id: <stream entry id>`, `event: <type>`, `data: <JobEvent JSON>`. ' +
      'Types: status, progress, token, tool_call_delta, tool_call, tool_result, provider, budget, ' +
      'result, error, end. The ' +
      'response ends after `end`: close the EventSource then. Reconnect with `Last-Event-ID` ' +
      '(header or `lastEventId` query) to any API instance to continue exactly after that ' +
      'event; without one, or with `from=0`, the stream replays from the start. `: ping` ' +
      "comments keep idle connections open. Once a finished job's stream has expired, its " +
      'ending (`result` or `error`, then `end`) is rebuilt from the job record, without ids. ' +
      'A reconnect after `end` answers 204, which tells an EventSource to stop. An instance ' +
      'that drains for a deploy ends open streams with `retry: 100` and an event ' +
      '`reconnect` (no id; data `{"type":"reconnect","reason":"draining","retryMs":100}`): ' +
      'reconnect with the Last-Event-ID you have and nothing is missed or repeated.',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event' })
  @ApiQuery({ name: 'lastEventId', required: false, description: 'Same as Last-Event-ID' })
  @ApiQuery({ name: 'from', required: false, description: '`0`: replay from the start' })
  @ApiResponse({
    status: 200,
    description: 'text/event-stream of JobEvent',
    content: { 'text/event-stream': { schema: ref('JobEvent') } },
  })
  @ApiResponse({ status: 204, description: 'The stream already ended at Last-Event-ID' })
  @ApiResponse(problemResponses(400, 401, 404, 429, 503))
  async events(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Query() query: Record<string, unknown>,
    @Res() res: Response,
  ): Promise<void> {
    const afterId = streamPosition(lastEventId, query);
    // Another tenant's job and a missing one answer alike, before the stream is touched.
    const job = await this.records.findForTenant(principal.tenantId, id);
    if (!job) throw new ProblemException(404, 'not-found', `No job ${id}.`);
    await this.streams.stream(job, afterId, res);
  }
}
