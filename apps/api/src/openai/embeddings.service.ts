import { Injectable } from '@nestjs/common';
import type { Principal } from '@switchboard/auth';
import { LlmService, RoutingError, type EmbedResponse } from '@switchboard/llm';
import { randomUUID } from 'node:crypto';
import { traceIdFrom } from '../jobs/trace-id';
import { outcomeError } from './chat-outcome';
import { EmbeddingTargets } from './embedding-target';
import { parseEmbeddingsRequest, type EmbeddingsRequest } from './embeddings.request';
import { privacyOf } from './privacy-header';

export interface EmbeddingsHeaders {
  traceparent?: string;
  privacy?: string;
}

/** OpenAI's `CreateEmbeddingResponse`. */
export interface EmbeddingsBody {
  object: 'list';
  data: { object: 'embedding'; index: number; embedding: number[] | string }[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

/**
 * POST /v1/embeddings: one routed embeddings call, made by the API itself (no job: the answer
 * is one JSON body and nothing is streamed). The router applies what it applies to every call:
 * tiers, failover, the tenant's and the key's budget pools (reserve, then settle), the
 * invocation log (its `job_id` is this request's id, sent back as X-Switchboard-Request-Id).
 */
@Injectable()
export class EmbeddingsService {
  constructor(
    private readonly llm: LlmService,
    private readonly targets: EmbeddingTargets,
  ) {}

  async create(
    principal: Principal,
    body: unknown,
    headers: EmbeddingsHeaders,
    requestId: string,
    signal: AbortSignal,
  ): Promise<EmbeddingsBody> {
    const request = parseEmbeddingsRequest(body);
    const privacy = privacyOf(headers.privacy);
    const target = this.targets.resolve(request.model, privacy, request.input);
    const client = this.llm.clientFor({
      tier: target.tier,
      privacy,
      signal,
      job: {
        jobId: requestId,
        tenantId: principal.tenantId,
        apiKeyId: principal.keyId,
        traceId: traceIdFrom(headers.traceparent) ?? randomUUID().replace(/-/g, ''),
      },
    });
    try {
      const response = await client.embed({
        input: request.input,
        model: target.model,
        dimensions: request.dimensions,
      });
      return toBody(request, response);
    } catch (error) {
      if (error instanceof RoutingError) {
        throw outcomeError({
          status: 'failed',
          error: { message: error.message, code: error.code },
        });
      }
      throw error;
    }
  }
}

function toBody(request: EmbeddingsRequest, response: EmbedResponse): EmbeddingsBody {
  return {
    object: 'list',
    data: response.embeddings.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding:
        request.encodingFormat === 'base64'
          ? Buffer.from(new Float32Array(vector).buffer).toString('base64')
          : vector,
    })),
    model: response.model,
    usage: { prompt_tokens: response.usage.inputTokens, total_tokens: response.usage.inputTokens },
  };
}
