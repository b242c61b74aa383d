import type { Role, Tier, Usage } from '@switchboard/catalogue';
import type { Capability } from './catalogue/model-catalogue.schema';
import type {
  FinishReason,
  LlmMessage,
  LlmTool,
  ResponseFormat,
  ToolCall,
  ToolCallDelta,
  ToolChoice,
} from './messages/llm-message';
import type { StopConditions } from './router/stop-matcher';

export interface LlmRequest {
  messages: LlmMessage[];
  /** Tools the model may call (the caller runs them); routes only to models with `tools`. */
  tools?: LlmTool[];
  toolChoice?: ToolChoice;
  /** Let the model ask for several calls in one turn (providers' default: yes). */
  parallelToolCalls?: boolean;
  /** Structured output; `json_schema` routes only to models with `json_schema`. */
  responseFormat?: ResponseFormat;
  /** A catalogue model (`id` or `provider/id`); by default the router chooses. */
  model?: string;
  maxTokens?: number;
  temperature?: number;
  /** Beyond `chat`, what the model must support (e.g. `vision`, `tools`). */
  capabilities?: Capability[];
  /** End the generation early (streams stop the provider at once; see StopConditions). */
  stop?: StopConditions;
  /**
   * Where the answer is journaled, in the same Redis write as the call's settlement, so a job
   * run again after a crash reuses it instead of paying for it twice (set by the job runtime).
   */
  journal?: AnswerSlot;
}

/** A Redis hash field that receives a call's answer (JSON `LlmResponse`). */
export interface AnswerSlot {
  key: string;
  field: string;
  ttlMs: number;
}

export interface EmbedRequest {
  input: string[];
  model?: string;
  /** The vector size, for models that can shorten theirs (OpenAI's text-embedding-3). */
  dimensions?: number;
}

/** Score `documents` by relevance to `query` (a rerank model, through the router). */
export interface RerankRequest {
  query: string;
  documents: string[];
  model?: string;
  /** Only the best `topN` results; all of them by default. */
  topN?: number;
}

/** What happens when a stream breaks after text has reached the client. */
export const STREAM_FAILOVER_POLICIES = ['fail', 'restart'] as const;
export type StreamFailoverPolicy = (typeof STREAM_FAILOVER_POLICIES)[number];

/** Where a call may go, and on whose behalf: set by the job, not by the actor. */
export interface LlmRouting {
  tier: Tier;
  /** Private jobs (and every tier-0 job) reach only providers marked local. */
  privacy: boolean;
  /** Escalation ceiling; the job's own tier (no escalation) by default. */
  maxTier?: Tier;
  /** `fail` by default. */
  streamFailover?: StreamFailoverPolicy;
  signal?: AbortSignal;
  /** For the invocation log. */
  job?: {
    /** The job; for a call outside a job (POST /v1/embeddings), the request's own id. */
    jobId: string;
    tenantId: string;
    /** Absent for calls outside a job. */
    role?: Role;
    traceId?: string;
    /** The API key that submitted the job: its key budgets apply. */
    apiKeyId?: string | null;
  };
}

export interface LlmUsage extends Usage {
  cachedInputTokens: number;
}

export interface LlmResponse {
  text: string;
  /** The calls the model asked for, when `finishReason` is `tool_calls` (absent otherwise). */
  toolCalls?: ToolCall[];
  finishReason: FinishReason;
  usage: LlmUsage;
  model: string;
  provider: string;
  /** The tier that served the call: above the job's own after an escalation. */
  tier: Tier;
}

export interface EmbedResponse {
  embeddings: number[][];
  usage: LlmUsage;
  model: string;
  provider: string;
}

export interface RerankResult {
  /** The document's position in the request. */
  index: number;
  /** Higher is more relevant; the scale is the model's. */
  score: number;
}

export interface RerankResponse {
  /** Best first. */
  results: RerankResult[];
  usage: LlmUsage;
  model: string;
  provider: string;
}

/**
 * A streamed call: deltas, then `done`. `restart` means the provider broke after output was
 * delivered and the job's policy is `restart`: drop the text and the tool-call pieces so far
 * (`discard` says which the broken attempt delivered); the next provider starts again from
 * the beginning.
 */
export type LlmStreamEvent =
  | { type: 'delta'; text: string }
  /** A piece of a tool call (the whole calls are in the `done` response). */
  | ({ type: 'tool_call' } & ToolCallDelta)
  | {
      type: 'restart';
      from: string;
      to: string;
      reason: string;
      /** What the broken attempt delivered, to drop (always set by the router). */
      discard?: { text: boolean; toolCalls: boolean };
    }
  /** Informational: a provider failed before any text; the next one answers instead. */
  | { type: 'failover'; from: string; to: string; reason: string }
  /** Informational: the budget could not cover max_tokens, so it was lowered to fit. */
  | { type: 'budget'; event: 'max_tokens_lowered'; requested: number; maxTokens: number }
  | { type: 'done'; response: LlmResponse };

/** What an actor sees as `ctx.llm`. */
export interface LlmClient {
  chat(request: LlmRequest): Promise<LlmResponse>;
  stream(request: LlmRequest): AsyncIterable<LlmStreamEvent>;
  embed(request: EmbedRequest): Promise<EmbedResponse>;
  rerank(request: RerankRequest): Promise<RerankResponse>;
}
