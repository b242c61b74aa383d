import { Injectable, Logger } from '@nestjs/common';
import type { Principal } from '@switchboard/auth';
import { Config } from '@switchboard/config';
import type { Response } from 'express';
import { JobsService } from '../jobs/jobs.service';
import { traceIdFrom } from '../jobs/trace-id';
import {
  chatInputOf,
  parseChatCompletion,
  type ChatCompletionRequest,
} from './chat-completion.request';
import { ChatCompletionStream } from './chat-completion.stream';
import { toChatCompletion, type CompletionHead } from './chat-completion.views';
import { ChatJobFollower } from './chat-job-follower';
import { checkContextLength } from './context-length';
import { outcomeError } from './chat-outcome';
import { ModelResolver, neededCapabilities } from './model-resolver';
import { OpenAiException } from './openai-error';
import { privacyOf } from './privacy-header';

/** The headers of a chat completion call that Switchboard reads. */
export interface CompletionHeaders {
  idempotencyKey?: string;
  traceparent?: string;
  privacy?: string;
}

export interface SubmittedCompletion {
  request: ChatCompletionRequest;
  head: CompletionHead;
}

/** Headers may only open a stream after this long without a token (see ChatCompletionStream). */
const OPEN_AFTER_MAX_MS = 5_000;

/**
 * POST /v1/chat/completions: an OpenAI request becomes a `chat` job, submitted like any
 * POST /v1/jobs (budget check, idempotency, trace id, key), and the answer is built from the
 * job's event stream. Jobs use `streamFailover: 'fail'`: a restart after text cannot be
 * expressed in OpenAI's stream format.
 */
@Injectable()
export class ChatCompletionsService {
  private readonly logger = new Logger('ChatCompletions');

  constructor(
    private readonly jobs: JobsService,
    private readonly models: ModelResolver,
    private readonly follower: ChatJobFollower,
    private readonly config: Config,
  ) {}

  async submit(
    principal: Principal,
    body: unknown,
    headers: CompletionHeaders,
  ): Promise<SubmittedCompletion> {
    const request = parseChatCompletion(body);
    const privacy = privacyOf(headers.privacy);
    const target = this.models.resolve(request.model, privacy, neededCapabilities(request));
    checkContextLength(request, target.contextWindow);
    const { job } = await this.jobs.submit(
      principal.tenantId,
      {
        role: 'chat',
        tier: target.tier,
        input: chatInputOf(request, target.model),
        privacy,
        streamFailover: 'fail',
      },
      headers.idempotencyKey,
      traceIdFrom(headers.traceparent),
      principal.keyId,
    );
    const created = Math.floor(Date.parse(job.createdAt) / 1000);
    return { request, head: { jobId: job.id, model: request.model, created } };
  }

  /** Waits for the job's end and answers the whole `chat.completion`. */
  async complete(principal: Principal, submitted: SubmittedCompletion, signal: AbortSignal) {
    for await (const event of this.follower.follow(
      principal.tenantId,
      submitted.head.jobId,
      signal,
    )) {
      if (event.type !== 'end') continue;
      if (event.outcome.status === 'completed') {
        return toChatCompletion(submitted.head, event.outcome.result);
      }
      throw outcomeError(event.outcome);
    }
    return undefined; // the client left
  }

  /** Streams the job's tokens and tool calls as `chat.completion.chunk`s until its end. */
  async stream(
    principal: Principal,
    submitted: SubmittedCompletion,
    res: Response,
    signal: AbortSignal,
  ): Promise<void> {
    const { heartbeatMs } = this.config.streams;
    const sse = new ChatCompletionStream(
      res,
      submitted.head,
      submitted.request.includeUsage,
      heartbeatMs,
      Math.min(heartbeatMs, OPEN_AFTER_MAX_MS),
    );
    try {
      for await (const event of this.follower.follow(
        principal.tenantId,
        submitted.head.jobId,
        signal,
      )) {
        switch (event.type) {
          case 'token':
            await sse.token(event.text);
            break;
          case 'tool_call':
            await sse.toolCall(event.index, event.id, event.name);
            break;
          case 'tool_arguments':
            await sse.toolArguments(event.index, event.text);
            break;
          case 'restart':
            if (sse.sentText) return await sse.fail(restarted(submitted.head.jobId));
            break;
          case 'end':
            if (event.outcome.status === 'completed') return await sse.finish(event.outcome.result);
            return await sse.fail(outcomeError(event.outcome));
        }
      }
    } catch (error) {
      this.logger.error(`stream of job ${submitted.head.jobId}: ${(error as Error).stack}`);
      await sse.fail(
        new OpenAiException(500, {
          message: 'Something went wrong on our side. The error was logged.',
          type: 'server_error',
          param: null,
          code: 'internal_error',
        }),
      );
    } finally {
      sse.close();
    }
  }

  /**
   * The client went away before the end. A job nobody can come back for (no Idempotency-Key)
   * is cancelled if it still waits in the queue; a running job runs to its end (running jobs
   * cannot be cancelled yet), and its result stays readable at GET /v1/jobs/:id.
   */
  async abandoned(principal: Principal, jobId: string, idempotencyKey?: string): Promise<void> {
    if (idempotencyKey) return;
    await this.jobs.cancel(principal.tenantId, jobId).catch(() => undefined);
  }
}

function restarted(jobId: string): OpenAiException {
  return new OpenAiException(
    502,
    {
      message:
        `The answer was restarted after text had been streamed (job ${jobId}); ` +
        'OpenAI streams cannot take text back. Retry the request.',
      type: 'server_error',
      param: null,
      code: 'stream_restarted',
    },
    { 'x-should-retry': 'false' },
  );
}
