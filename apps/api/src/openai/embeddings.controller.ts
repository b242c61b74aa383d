import { Body, Controller, Headers, HttpCode, Post, Res, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiHeader,
  ApiOperation,
  ApiResponse,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { ApiKeyGuard, CurrentPrincipal, type Principal } from '@switchboard/auth';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { ref } from '../docs/openapi-refs';
import { EmbeddingsService, type EmbeddingsBody } from './embeddings.service';
import { openAiErrorResponses } from './openai-openapi';

@ApiTags('OpenAI-compatible')
@ApiSecurity('apiKey')
@UseGuards(ApiKeyGuard)
@Controller('v1/embeddings')
export class EmbeddingsController {
  constructor(private readonly embeddings: EmbeddingsService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'OpenAI embeddings, routed with budgets, failover and the invocation log',
    description:
      'The model is a tier alias (tier-0 … tier-3) or a catalogue embedding model. One ' +
      'routed call, made by the API (no job). See docs/openai-compatibility.md. Errors use ' +
      'OpenAI\'s `{"error": {...}}` shape.',
  })
  @ApiHeader({
    name: 'X-Switchboard-Privacy',
    required: false,
    description: '"true": a private request, embedded by local models only',
  })
  @ApiBody({ schema: ref('EmbeddingsRequest') })
  @ApiResponse({
    status: 200,
    description: 'A `list` of `embedding`s. Header X-Switchboard-Request-Id.',
    schema: ref('EmbeddingsResponse'),
  })
  @ApiResponse(openAiErrorResponses(400, 401, 402, 404, 413, 429, 500, 502, 503))
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Headers('traceparent') traceparent: string | undefined,
    @Headers('x-switchboard-privacy') privacy: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<EmbeddingsBody> {
    const requestId = randomUUID();
    res.setHeader('X-Switchboard-Request-Id', requestId);
    const client = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) client.abort();
    });
    return this.embeddings.create(
      principal,
      body,
      { traceparent, privacy },
      requestId,
      client.signal,
    );
  }
}
