import { Body, Controller, Headers, Post, Res, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiHeader,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { ApiKeyGuard, CurrentPrincipal, type Principal } from '@switchboard/auth';
import type { Response } from 'express';
import { ref } from '../docs/openapi-refs';
import { ChatCompletionsService } from './chat-completions.service';
import { openAiErrorResponses } from './openai-openapi';

/** Aborts when the client goes away before the answer is complete. */
function abortOnClose(res: Response): AbortController {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller;
}

@ApiTags('OpenAI-compatible')
@ApiSecurity('apiKey')
@UseGuards(ApiKeyGuard)
@Controller('v1/chat')
export class ChatCompletionsController {
  constructor(private readonly completions: ChatCompletionsService) {}

  @Post('completions')
  @ApiOperation({
    summary: 'OpenAI chat completions (streaming or not), run as a chat job',
    description:
      'The model is a tier alias (tier-0 … tier-3) or a catalogue model. The call is a `chat` ' +
      'job: budgets, failover, idempotency and the invocation log apply. See ' +
      'docs/openai-compatibility.md. Errors use OpenAI\'s `{"error": {...}}` shape.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'as for POST /v1/jobs' })
  @ApiHeader({
    name: 'X-Switchboard-Privacy',
    required: false,
    description: '"true": a private job, served by local models only',
  })
  @ApiBody({ schema: ref('ChatCompletionRequest') })
  @ApiProduces('application/json', 'text/event-stream')
  @ApiResponse({
    status: 200,
    description:
      '`chat.completion` JSON, or with `stream: true` an SSE stream of ' +
      '`chat.completion.chunk`s ending with `data: [DONE]`. Header X-Switchboard-Job-Id.',
    schema: ref('ChatCompletion'),
  })
  @ApiResponse(openAiErrorResponses(400, 401, 402, 404, 413, 429, 500, 502, 503))
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Headers('traceparent') traceparent: string | undefined,
    @Headers('x-switchboard-privacy') privacy: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const submitted = await this.completions.submit(principal, body, {
      idempotencyKey,
      traceparent,
      privacy,
    });
    res.setHeader('X-Switchboard-Job-Id', submitted.head.jobId);
    const client = abortOnClose(res);
    client.signal.addEventListener('abort', () => {
      void this.completions.abandoned(principal, submitted.head.jobId, idempotencyKey);
    });
    if (submitted.request.stream) {
      await this.completions.stream(principal, submitted, res, client.signal);
      return;
    }
    const completion = await this.completions.complete(principal, submitted, client.signal);
    if (completion) res.status(200).json(completion);
  }
}
