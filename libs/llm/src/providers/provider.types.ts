import type {
  LlmMessage,
  LlmTool,
  ProviderFinishReason,
  ResponseFormat,
  ToolCall,
  ToolCallDelta,
  ToolChoice,
} from '../messages/llm-message';

/** The wire protocols Switchboard speaks; `openai` also covers every OpenAI-compatible server. */
export const PROVIDER_KINDS = ['openai', 'anthropic', 'ollama', 'simulated'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

/**
 * Tokens as every provider reports them, normalised: `inputTokens` includes the cached part,
 * `cachedInputTokens` is the part of it served from the provider's prompt cache.
 */
export interface ProviderUsage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  /**
   * Set when the router counted these itself because the provider reported none: paid for,
   * but no provider's count of the input (so not checked against the reserved input bound).
   */
  counted?: true;
}

/** One call to one provider's model. The router owns retries, timeouts and failover. */
export interface ProviderChatCall {
  /** The provider's own model id. */
  model: string;
  messages: LlmMessage[];
  maxTokens: number;
  temperature?: number;
  tools?: LlmTool[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  responseFormat?: ResponseFormat;
  /**
   * Aborts the HTTP request. The router aborts it on job cancellation and on its own
   * deadline; an adapter that sees `signal.aborted` rethrows `signal.reason` unchanged.
   */
  signal: AbortSignal;
}

export interface ProviderChatResult {
  text: string;
  /** Present (non-empty) when the model called tools. */
  toolCalls?: ToolCall[];
  finishReason: ProviderFinishReason;
  usage: ProviderUsage;
}

/**
 * A streamed call: text and tool-call deltas, then exactly one `done`. `usage` is null when the provider
 * sent none. A stream that ends without its terminal event must throw a ProviderError of
 * kind `connection` (never end quietly as if complete).
 */
export type ProviderStreamChunk =
  | { type: 'delta'; text: string }
  | ({ type: 'tool_call' } & ToolCallDelta)
  | { type: 'done'; finishReason: ProviderFinishReason; usage: ProviderUsage | null };

export interface ProviderEmbedCall {
  model: string;
  input: string[];
  dimensions?: number;
  signal: AbortSignal;
}

export interface ProviderRerankCall {
  model: string;
  query: string;
  documents: string[];
  topN?: number;
  signal: AbortSignal;
}

export interface ProviderRerankResult {
  /** Best first. */
  results: { index: number; score: number }[];
  usage: ProviderUsage;
}

export interface ProviderEmbedResult {
  embeddings: number[][];
  usage: ProviderUsage;
}

/**
 * One configured provider, reached through its official SDK with the SDK's own retries
 * turned off. Every failure is thrown as a `ProviderError` (or the signal's reason).
 */
export interface ProviderAdapter {
  readonly name: string;
  readonly kind: ProviderKind;
  chat(call: ProviderChatCall): Promise<ProviderChatResult>;
  stream(call: ProviderChatCall): AsyncIterable<ProviderStreamChunk>;
  /** Only for providers with an embeddings API (openai, ollama). */
  embed?(call: ProviderEmbedCall): Promise<ProviderEmbedResult>;
  /** Only for providers with a rerank endpoint (openai-compatible `/rerank`, simulated). */
  rerank?(call: ProviderRerankCall): Promise<ProviderRerankResult>;
  /** A cheap liveness call (list models); throws a ProviderError when unhealthy. */
  health(signal: AbortSignal): Promise<void>;
}

/** How an adapter is built from the catalogue file and its secret. */
export interface ProviderSettings {
  name: string;
  kind: ProviderKind;
  /** e.g. https://api.groq.com/openai/v1 or http://127.0.0.1:11434; SDK default when absent. */
  baseURL?: string;
  apiKey?: string;
  /** Extra headers, e.g. OpenRouter's HTTP-Referer. */
  headers?: Record<string, string>;
}
