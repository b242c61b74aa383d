import type { ChatMessage, Tier, Usage } from '@switchboard/catalogue';

export interface LlmRequest {
  messages: ChatMessage[];
  /** A model id from the catalogue; by default the tier's default model. */
  model?: string;
  maxTokens?: number;
  temperature?: number;
}

/** Where a call may go: set by the job, not by the actor. */
export interface LlmRouting {
  tier: Tier;
  /** Private jobs never leave tier 0 (local) providers. */
  privacy: boolean;
  signal?: AbortSignal;
}

export interface LlmResponse {
  text: string;
  finishReason: 'stop' | 'length';
  usage: Usage;
  model: string;
  provider: string;
}

export type LlmStreamEvent =
  { type: 'delta'; text: string } | { type: 'done'; response: LlmResponse };

/** What an actor sees as `ctx.llm`. */
export interface LlmClient {
  chat(request: LlmRequest): Promise<LlmResponse>;
  stream(request: LlmRequest): AsyncIterable<LlmStreamEvent>;
}

/** One provider behind the router. */
export interface LlmProvider {
  readonly name: string;
  chat(request: LlmRequest, routing: LlmRouting): Promise<LlmResponse>;
  stream(request: LlmRequest, routing: LlmRouting): AsyncIterable<LlmStreamEvent>;
}
