import type { FinishReason } from './token-rules';

/** What a fake needs to know about a chat request, whatever the provider. */
export interface ChatRequestInfo {
  model: string;
  inputTokens: number;
  maxTokens: number | undefined;
  stream: boolean;
  /** OpenAI sends stream usage only when asked (`stream_options.include_usage`). */
  streamUsage: boolean;
}

/** A tool call an answer makes, as the fake renders and counts it. */
export interface AnswerToolCall {
  id: string;
  name: string;
  /** The arguments as JSON text (the raw text when scripted as a string, malformed or not). */
  arguments: string;
  /** The arguments as a value: parsed, or the raw string when it is not JSON. */
  input: unknown;
  /** Output tokens it costs (`toolCallTokens`). */
  tokens: number;
}

/** One event of a streamed answer and the output tokens it completes. */
export interface StreamEvent {
  data: string;
  outputTokens: number;
}

/** One answer being given: the request's facts plus the behaviour's. */
export interface ChatAnswer {
  id: string;
  model: string;
  /** Unix seconds. */
  created: number;
  startedAt: number;
  inputTokens: number;
  cachedInputTokens: number;
  tokens: string[];
  /** After the text, in order; their tokens are output tokens too. */
  toolCalls: AnswerToolCall[];
  finish: FinishReason;
  omitUsage: boolean;
  streamUsage: boolean;
}

export interface EmbedRequestInfo {
  model: string;
  inputs: string[];
  inputTokens: number;
  /** OpenAI's SDK asks for float32 little-endian base64 unless told otherwise. */
  base64: boolean;
  /** The vector size asked for (OpenAI's `dimensions`); the fake's default otherwise. */
  dimensions?: number;
}

export interface RerankRequestInfo {
  model: string;
  query: string;
  documents: string[];
  topN?: number;
  inputTokens: number;
}

/** A request answered with one JSON body (embeddings, rerank). */
export interface OneShotCodec<R extends { inputTokens: number }> {
  /** Throws InvalidRequest for a body the provider would refuse. */
  read(body: any): R;
  body(request: R, omitUsage: boolean): unknown;
}

export type EmbedCodec = OneShotCodec<EmbedRequestInfo>;
export type RerankCodec = OneShotCodec<RerankRequestInfo>;

export type Route = 'chat' | 'embed' | 'rerank' | 'health';

/** A request body the provider would refuse with a 400. */
export class InvalidRequest extends Error {}

/** One provider's wire format. The engine decides what happens; the protocol says how it looks. */
export interface WireProtocol {
  /** Appended to the origin to make the URL its SDK takes. */
  readonly basePath: string;
  /** Start of the ids of tool calls the fake makes up (`call_`, `toolu_`). */
  readonly toolCallIdPrefix: string;
  route(method: string, path: string): Route | undefined;
  /** Health/listing body: JSON, or a string sent as text/plain. */
  health(path: string): unknown;
  /** Throws InvalidRequest for a body the provider would refuse. */
  readChat(body: any): ChatRequestInfo;
  chatBody(answer: ChatAnswer): unknown;
  readonly streamContentType: string;
  /** Events before the first token. */
  streamOpen(answer: ChatAnswer): string[];
  streamToken(answer: ChatAnswer, token: string, index: number): string;
  /** The tool calls' events, after the text tokens and before `streamClose`. */
  streamToolCalls(answer: ChatAnswer): StreamEvent[];
  /** Events after the last token, the terminal one last. */
  streamClose(answer: ChatAnswer): string[];
  /** Only for providers with an embeddings API. */
  readonly embed?: EmbedCodec;
  /** A Jina/Cohere-style `/rerank` (the OpenAI-compatible fake serves one). */
  readonly rerank?: RerankCodec;
  /** The provider's error body; `inputTokens` feeds its context-length message. */
  errorBody(status: number, message: string | undefined, inputTokens: number): unknown;
}

/** Every output token of an answer: text tokens and tool calls. */
export function outputTokens(a: ChatAnswer): number {
  return a.toolCalls.reduce((sum, call) => sum + call.tokens, a.tokens.length);
}

/** Splits a text into up to `n` non-empty pieces of about equal length. */
export function pieces(text: string, n = 3): string[] {
  const size = Math.max(1, Math.ceil(text.length / n));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** Encodes one server-sent event. */
export function sse(data: unknown, event?: string): string {
  const line = `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
  return event === undefined ? line : `event: ${event}\n${line}`;
}
