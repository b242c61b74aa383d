// What a client following a job sees, in order, on GET /v1/jobs/:id/events (SSE) — one Redis
// Stream per job. The SSE `id:` of each event is its Redis Stream entry id.
import type { JobStatus } from '@switchboard/catalogue';

export type JobEvent =
  /** The job record changed state (queued, active, waiting_children, delayed, …). */
  | { type: 'status'; status: JobStatus; attempt?: number; reason?: string }
  /** `ctx.progress(value)` from the actor. */
  | { type: 'progress'; value: number | Record<string, unknown> }
  /** Model output as it is written; several provider deltas may be coalesced into one. */
  | { type: 'token'; text: string }
  /**
   * A piece of a tool call the model is writing, for the client to run (`tools` in a chat
   * request): `id` and `name` come first, then `arguments` text in pieces, by call `index`.
   */
  | { type: 'tool_call_delta'; index: number; id?: string; name?: string; arguments?: string }
  /** Switchboard runs a tool the model called (the tool loop): the call... */
  | {
      type: 'tool_call';
      callId: string;
      name: string;
      /** `local` or the MCP server's name. */
      server: string;
      arguments: unknown;
      turn: number;
    }
  /** ...and its outcome. Output is summarised (size, a bounded preview), never unbounded. */
  | {
      type: 'tool_result';
      callId: string;
      name: string;
      outcome:
        'ok' | 'error' | 'invalid_arguments' | 'timeout' | 'too_large' | 'loop' | 'interrupted';
      durationMs: number;
      outputBytes: number;
      preview?: string;
      error?: string;
    }
  /**
   * The router moved to another provider: `failover` before any text (invisible to the text),
   * `restart` after text was delivered (drop what was shown; it starts again).
   */
  | { type: 'provider'; event: 'failover' | 'restart'; from: string; to: string; reason: string }
  /** Budget news: max_tokens lowered to fit, a stream cut off, a call refused, a deferral. */
  | {
      type: 'budget';
      event: 'max_tokens_lowered' | 'cut_off' | 'refused' | 'deferred';
      detail: Record<string, unknown>;
    }
  /** The job's result, with its usage (tokens, cost in micro-dollars). */
  | { type: 'result'; result: unknown; usage: unknown }
  | { type: 'error'; error: { message: string; code?: string; retryable?: boolean } }
  /** The last event of a job's stream: nothing follows, the SSE response ends. */
  | { type: 'end'; status: JobStatus };

export type JobEventType = JobEvent['type'];

/** A stored event with its stream entry id (`<ms>-<seq>`), which SSE sends as `id:`. */
export interface StoredJobEvent {
  id: string;
  event: JobEvent;
}
