import { Injectable } from '@nestjs/common';
import { jobDefinition, type JobResult } from '@switchboard/catalogue';
import type { JobEntity } from '@switchboard/persistence';
import { JobEventsReader, type JobEvent } from '@switchboard/streams';
import { setTimeout as sleep } from 'node:timers/promises';
import { JobsService } from '../jobs/jobs.service';
import type { ChatOutcome } from './chat-outcome';
import { ToolCallFeed, type ToolCallNews } from './tool-call-feed';

/**
 * What a completion needs from its job: text and tool calls as they come, restarts, and how
 * it ended.
 */
export type ChatFeedEvent =
  | { type: 'token'; text: string }
  | ToolCallNews
  /** The text shown so far is void: another attempt (or provider) starts it again. */
  | { type: 'restart' }
  | { type: 'end'; outcome: ChatOutcome };

/** With no event for this long, the record is read: a lost `end` must not hang the call. */
const IDLE_CHECK_MS = 5_000;
const RECORD_POLL_MS = 200;

function recordOutcome(record: JobEntity): ChatOutcome | undefined {
  switch (record.status) {
    case 'completed':
      return { status: 'completed', result: record.result as JobResult<'chat'> };
    case 'failed':
      return { status: 'failed', error: record.error ?? { message: 'The job failed.' } };
    case 'cancelled':
      return { status: 'cancelled' };
    case 'queued':
    case 'delayed':
    case 'active':
    case 'waiting_children':
      return undefined;
  }
}

/** The next event, or 'idle' when none came within `ms`. */
async function orIdle<T>(next: Promise<T>, ms: number): Promise<T | 'idle'> {
  let timer: NodeJS.Timeout | undefined;
  const idle = new Promise<'idle'>((resolve) => {
    timer = setTimeout(() => resolve('idle'), ms);
  });
  try {
    return await Promise.race([next, idle]);
  } finally {
    clearTimeout(timer);
  }
}

function chatResult(value: unknown): JobResult<'chat'> | undefined {
  const parsed = jobDefinition('chat').result.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Follows a chat job for the OpenAI front door: its event stream from the start, so the call
 * sees what the queue does (budgets, failover, retries); the job record when the stream cannot
 * tell (an already finished job, a stream gone or an `end` never written).
 */
@Injectable()
export class ChatJobFollower {
  constructor(
    private readonly reader: JobEventsReader,
    private readonly jobs: JobsService,
  ) {}

  async *follow(
    tenantId: string,
    jobId: string,
    signal: AbortSignal,
  ): AsyncGenerator<ChatFeedEvent, void, undefined> {
    const done = recordOutcome(await this.jobs.find(tenantId, jobId));
    // A replayed request (same Idempotency-Key) of a finished job: its stream may be gone.
    if (done) return yield* this.fromRecord(done, '', new ToolCallFeed());
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const events = this.reader.follow(jobId, '0', stop.signal)[Symbol.asyncIterator]();
    let pending = events.next();
    pending.catch(() => undefined);
    let text = '';
    const calls = new ToolCallFeed();
    let attempt = 1;
    let result: JobResult<'chat'> | undefined;
    let error: { message: string; code?: string } | undefined;
    let finishedBefore = false;
    try {
      while (!signal.aborted) {
        const next = await orIdle(pending, IDLE_CHECK_MS);
        if (next === 'idle') {
          const outcome = recordOutcome(await this.jobs.find(tenantId, jobId));
          // Finished on two looks in a row with no `end` between: the stream will not say.
          if (outcome && finishedBefore) return yield* this.fromRecord(outcome, text, calls);
          finishedBefore = outcome !== undefined;
          continue;
        }
        if (next.done) break;
        pending = events.next();
        pending.catch(() => undefined);
        const event: JobEvent = next.value.event;
        switch (event.type) {
          case 'token':
            text += event.text;
            yield { type: 'token', text: event.text };
            break;
          case 'tool_call_delta':
            yield* calls.push(event);
            break;
          case 'status':
            // A new attempt after output was shown starts the answer again.
            if (event.status === 'active' && (event.attempt ?? attempt) > attempt) {
              attempt = event.attempt ?? attempt;
              if (text !== '' || calls.started) yield { type: 'restart' };
              text = '';
              calls.reset();
            }
            break;
          case 'provider':
            if (event.event === 'restart' && (text !== '' || calls.started)) {
              yield { type: 'restart' };
              text = '';
              calls.reset();
            }
            break;
          case 'result':
            result = chatResult(event.result);
            break;
          case 'error':
            error = event.error;
            break;
          case 'end':
            return yield* this.ended(
              tenantId,
              jobId,
              event.status,
              result,
              error,
              text,
              calls,
              signal,
            );
          case 'progress':
          case 'tool_call':
          case 'tool_result':
          case 'budget':
            break;
        }
      }
      // The stream ended without `end` (it expired, or the client left): the record decides.
      const outcome = await this.recordWhenFinished(tenantId, jobId, signal);
      if (outcome) yield* this.fromRecord(outcome, text, calls);
    } finally {
      signal.removeEventListener('abort', onAbort);
      stop.abort();
    }
  }

  private async *ended(
    tenantId: string,
    jobId: string,
    status: string,
    result: JobResult<'chat'> | undefined,
    error: { message: string; code?: string } | undefined,
    text: string,
    calls: ToolCallFeed,
    signal: AbortSignal,
  ): AsyncGenerator<ChatFeedEvent, void, undefined> {
    if (status === 'completed' && result) {
      return yield* this.fromRecord({ status: 'completed', result }, text, calls);
    }
    if (status === 'failed' && error) {
      yield { type: 'end', outcome: { status: 'failed', error } };
      return;
    }
    if (status === 'cancelled') {
      yield { type: 'end', outcome: { status: 'cancelled' } };
      return;
    }
    // The stream said how it ended but not with what: the record has it.
    const outcome = await this.recordWhenFinished(tenantId, jobId, signal);
    if (outcome) yield* this.fromRecord(outcome, text, calls);
  }

  /**
   * Ends from a known outcome, first sending whatever text and tool call pieces the stream did
   * not deliver (never a piece twice); output that does not lead to the result restarts it.
   */
  private async *fromRecord(
    outcome: ChatOutcome,
    shown: string,
    calls: ToolCallFeed,
  ): AsyncGenerator<ChatFeedEvent, void, undefined> {
    if (outcome.status === 'completed') {
      const full = outcome.result.text;
      const toolCalls = outcome.result.toolCalls ?? [];
      let missingCalls = calls.rest(toolCalls);
      if (!full.startsWith(shown) || !missingCalls) {
        yield { type: 'restart' };
        shown = '';
        missingCalls = new ToolCallFeed().rest(toolCalls) ?? [];
      }
      const rest = full.slice(shown.length);
      if (rest !== '') yield { type: 'token', text: rest };
      yield* missingCalls;
    }
    yield { type: 'end', outcome };
  }

  /** Polls the record until the job has finished, or the client has gone (undefined). */
  private async recordWhenFinished(
    tenantId: string,
    jobId: string,
    signal: AbortSignal,
  ): Promise<ChatOutcome | undefined> {
    while (!signal.aborted) {
      const outcome = recordOutcome(await this.jobs.find(tenantId, jobId));
      if (outcome) return outcome;
      await sleep(RECORD_POLL_MS, undefined, { signal }).catch(() => undefined);
    }
    return undefined;
  }
}
