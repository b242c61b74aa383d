import type { IncomingHttpHeaders } from 'node:http';
import type { FakeCall } from './fake-stats';

export type FakeKind = 'openai' | 'anthropic' | 'ollama';

/** A tool call the fake's model makes. */
export interface FakeToolCall {
  name: string;
  /** An object (sent as its JSON), or a string sent as the raw arguments text (malformed JSON). */
  arguments: unknown;
  /** Made up (`call_…`, `toolu_…`) when absent; Ollama's wire has no ids. */
  id?: string;
}

/**
 * What the fake does with one chat/embed request: the responder's answer when it gives one,
 * else the scripted behaviours in order, then the default (`{ type: 'ok' }` unless
 * `setDefault` changed it).
 */
export type FakeBehaviour =
  /** A normal answer. `cachedInputTokens` is reported as prompt-cache hits (capped by the input). */
  | {
      type: 'ok';
      cachedInputTokens?: number;
      omitUsage?: boolean;
      text?: string;
      /**
       * Tool calls after the text (no text by default when there are some); finish reason
       * `tool_calls` (`tool_use`). Each costs `toolCallTokens` output tokens.
       */
      toolCalls?: FakeToolCall[];
      /** Structured output: the answer text is `JSON.stringify(json)` (overrides `text`). */
      json?: unknown;
      /** Answer in full whatever max_tokens says, as a misbehaving provider might. */
      ignoreMaxTokens?: boolean;
    }
  /** An error status with the provider's real error body; `message` overrides the default one. */
  | { type: 'status'; status: number; message?: string }
  /** 429 with `retry-after` (seconds) and/or `retry-after-ms`, each only when given. */
  | { type: 'rate-limit'; retryAfterSeconds?: number; retryAfterMs?: number }
  /** Stream: N content tokens, then the socket is destroyed. Non-stream: destroyed unanswered. */
  | { type: 'cut'; afterTokens: number }
  /**
   * Stream: N content tokens, then the response ends cleanly without the terminal event.
   * Non-stream: a 200 whose JSON body stops halfway (input counted, output 0).
   */
  | { type: 'end-early'; afterTokens: number }
  /** Stream: headers at once, every event after `ms`. Non-stream: the answer after `ms`. */
  | { type: 'delay-first-token'; ms: number }
  /** Reads the request and never answers, until the client goes away or the fake closes. */
  | { type: 'hang' };

export interface FakeStats {
  /** Every HTTP request, including health and model listing. */
  requests: number;
  /** Chat requests (OpenAI chat completions, Anthropic messages, Ollama chat), stream or not. */
  chatRequests: number;
  embedRequests: number;
  rerankRequests: number;
  /** Input tokens (cached part included) of every chat/embed request answered with a 200. */
  inputTokens: number;
  /** Content tokens actually written to the socket. */
  outputTokens: number;
  /** The cached part of `inputTokens`. */
  cachedInputTokens: number;
  /** Requests whose client closed the connection before the response was complete. */
  aborted: number;
}

export interface ReceivedRequest {
  path: string;
  /** Parsed JSON body, or the raw text when it was not JSON. */
  body: any;
  headers: IncomingHttpHeaders;
}

/** Picks a behaviour for one chat/embed request (see `respond`). */
export type FakeResponder = (request: ReceivedRequest) => FakeBehaviour | undefined;

export interface FakeProviderServer {
  readonly kind: FakeKind;
  /** What the SDK takes as baseURL/host: openai `${origin}/v1`, anthropic and ollama `${origin}`. */
  readonly url: string;
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  readonly port: number;
  /** Live counters (the same object for the server's whole life, zeroed by `reset`). */
  readonly stats: FakeStats;
  /** Chat/embed requests received, in order. */
  readonly received: ReceivedRequest[];
  /** Chat/embed requests as served, in order: per-call ground truth (cleared by `reset`). */
  readonly calls: FakeCall[];
  /** Behaviours for the next chat/embed requests, in order; when they run out, the default. */
  script(...behaviours: FakeBehaviour[]): void;
  /**
   * Chooses the behaviour from the request itself, before the script and the default: a
   * responder that returns `undefined` leaves the request to them. Lets concurrent or
   * multi-turn conversations be answered by what they sent (e.g. "a tool result is in the
   * messages → answer in text"). `undefined` removes it; `reset` too.
   */
  respond(responder: FakeResponder | undefined): void;
  /**
   * Behaviour for every chat/embed request from now on (`{ type: 'status', status: 503 }` is a
   * provider that is down). Health endpoints follow it too when it is a status or a hang.
   */
  setDefault(behaviour: FakeBehaviour): void;
  /** Clears the script, the default, the stats and `received`. */
  reset(): void;
  /** Resolves once `stats.aborted` reaches n; rejects after `timeoutMs` (default 5000). */
  waitForAborts(n: number, timeoutMs?: number): Promise<void>;
  /** Stops listening and destroys every open connection, hanging ones included. */
  close(): Promise<void>;
}

export interface FakeOptions {
  /** Default: a random free port. The fake always listens on 127.0.0.1. */
  port?: number;
  /** Content tokens in a default answer (default 8), capped by the request's max tokens. */
  tokensPerResponse?: number;
  /** Delay between streamed tokens (default 0). */
  tokenDelayMs?: number;
  /**
   * Counts (and bills) this many input tokens per word, rounded up: a provider whose
   * tokenizer counts more than ours (default 1).
   */
  inputTokenFactor?: number;
}
