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

/** A budget cut-off ends the text early, which OpenAI calls `length`. */
export function finishReasonOf(result: ChatResult): 'stop' | 'length' {
  return result.finishReason === 'stop' ? 'stop' : 'length';
}

export function usageOf(result: ChatResult): OpenAiUsage {
  const { inputTokens, outputTokens } = result.usage;
  return {
    prompt_tokens: inputTokens,
    completion_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
  };
}

/** The `chat.completion` object of a finished chat job. */
export function toChatCompletion(head: CompletionHead, result: ChatResult) {
  return {
    id: completionId(head.jobId),
    object: 'chat.completion' as const,
    created: head.created,
    model: head.model,
    system_fingerprint: null,
    choices: [
      {
        index: 0,
        message: { role: 'assistant' as const, content: result.text, refusal: null },
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
  choice: { delta: Record<string, string>; finish_reason: 'stop' | 'length' | null } | null,
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
