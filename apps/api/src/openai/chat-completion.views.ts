import type { JobResult } from '@switchboard/catalogue';

type ChatResult = JobResult<'chat'>;

export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** What identifies one completion in every object sent for it. */
export interface CompletionHead {
  jobId: string;
  /** The model string of the request (an alias or a catalogue name), echoed as OpenAI does. */
  model: string;
  created: number;
}

export const completionId = (jobId: string) => `chatcmpl-${jobId}`;

export type OpenAiFinishReason = 'stop' | 'length' | 'tool_calls';

/** A budget cut-off ends the text early, which OpenAI calls `length`. */
export function finishReasonOf(result: ChatResult): OpenAiFinishReason {
  if (result.finishReason === 'budget_exhausted') return 'length';
  return result.finishReason;
}

/** OpenAI's `tool_calls` of a message, or of a chunk's delta (with `index`). */
export function openAiToolCall(call: { id: string; name: string; arguments: string }) {
  return {
    id: call.id,
    type: 'function' as const,
    function: { name: call.name, arguments: call.arguments },
  };
}

export function usageOf(result: ChatResult): OpenAiUsage {
  const { inputTokens, outputTokens } = result.usage;
  return {
    prompt_tokens: inputTokens,
    completion_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
  };
}

/**
 * The `chat.completion` object of a finished chat job. A message of tool calls only has
 * `content: null`, as OpenAI's has.
 */
export function toChatCompletion(head: CompletionHead, result: ChatResult) {
  const toolCalls = result.toolCalls?.length ? result.toolCalls.map(openAiToolCall) : undefined;
  const content = toolCalls && result.text === '' ? null : result.text;
  return {
    id: completionId(head.jobId),
    object: 'chat.completion' as const,
    created: head.created,
    model: head.model,
    system_fingerprint: null,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant' as const,
          content,
          refusal: null,
          ...(toolCalls ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: finishReasonOf(result),
      },
    ],
    usage: usageOf(result),
  };
}

/**
 * One `chat.completion.chunk`. With `include_usage`, OpenAI sends `usage: null` on every chunk
 * and the totals in a last chunk with no choices.
 */
export function toChunk(
  head: CompletionHead,
  includeUsage: boolean,
  choice: { delta: Record<string, unknown>; finish_reason: OpenAiFinishReason | null } | null,
  usage: OpenAiUsage | null = null,
) {
  return {
    id: completionId(head.jobId),
    object: 'chat.completion.chunk' as const,
    created: head.created,
    model: head.model,
    system_fingerprint: null,
    choices: choice
      ? [{ index: 0, delta: choice.delta, logprobs: null, finish_reason: choice.finish_reason }]
      : [],
    ...(includeUsage ? { usage } : {}),
  };
}
