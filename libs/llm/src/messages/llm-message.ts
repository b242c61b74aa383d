/**
 * The LLM lib's own conversation type. Adapters translate it to their provider's wire shape;
 * the public chat schema maps onto it in one place (`chat-messages.ts`).
 */

/** A piece of a user message: text, or an image by URL or inline base64 (vision models). */
export type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'image'; url: string }
  | { type: 'image'; data: string; mediaType: ImageMediaType };

export const IMAGE_MEDIA_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export type ImageMediaType = (typeof IMAGE_MEDIA_TYPES)[number];

/** A call the model asked for. `arguments` is the JSON text exactly as the model wrote it. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

export type LlmMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | ContentPart[] }
  /** `content` may be empty when the turn is only tool calls. */
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  /** The result of one tool call; `isError` tells the model the call failed. */
  | { role: 'tool'; toolCallId: string; name: string; content: string; isError?: boolean };

/** A JSON Schema object, as providers take it for tool parameters and structured output. */
export type JsonSchema = Record<string, unknown>;

/** A tool the model may call. */
export interface LlmTool {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters: JsonSchema;
}

/** `auto` by default; `required`: some tool; `{name}`: that tool; `none`: no tool this turn. */
export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: JsonSchema; strict?: boolean };

/** Why a generation ended. `budget_exhausted`: a stream cut off when its reservation was spent. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'budget_exhausted';

/** What a provider may report (the router adds `budget_exhausted` itself). */
export type ProviderFinishReason = Exclude<FinishReason, 'budget_exhausted'>;

/** One streamed piece of the `index`th tool call: `id` and `name` come first, then arguments. */
export interface ToolCallDelta {
  index: number;
  id?: string;
  name?: string;
  arguments?: string;
}
