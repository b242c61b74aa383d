import { callCostMicros } from '../catalogue/cost';
import type { LlmRequest, LlmResponse, LlmUsage } from '../llm.types';
import type { ToolCall } from '../messages/llm-message';
import { messageInput, type MessageInput } from '../messages/message-input';
import type { ProviderAdapter, ProviderChatCall, ProviderUsage } from '../providers/provider.types';
import { estimateMessageTokens, estimateTokens } from '../token-count';
import type { Candidate } from './candidates';

/** A call's input: our own o200k count, its texts and images (for the byte bound). */
export interface CallInput extends MessageInput {
  counted: number;
}

/** A chat request's input; tool definitions count as input (they reach the model as text). */
export function chatInput(request: LlmRequest): CallInput {
  return {
    counted: estimateMessageTokens(request.messages, request.tools),
    ...messageInput(request.messages, request.tools),
  };
}

export function embedInput(texts: string[]): CallInput {
  const counted = texts.reduce((sum, text) => sum + estimateTokens(text), 0);
  return { counted, texts, images: 0 };
}

/** Usage when the provider sent none: our own count (each streamed chunk is one token). */
export function countedUsage(input: CallInput, outputTokens: number): ProviderUsage {
  return { inputTokens: input.counted, outputTokens, cachedInputTokens: 0, counted: true };
}

/** The usage a caller sees: the provider's four figures priced at the candidate's prices. */
export function routedUsage(candidate: Candidate, usage: ProviderUsage): LlmUsage {
  const { inputTokens, outputTokens, cachedInputTokens } = usage;
  const costMicros = callCostMicros(candidate.model.prices, usage);
  return { inputTokens, outputTokens, cachedInputTokens, costMicros };
}

export function routedResponse(
  candidate: Candidate,
  text: string,
  finishReason: LlmResponse['finishReason'],
  usage: ProviderUsage,
  toolCalls?: ToolCall[],
): LlmResponse {
  return {
    text,
    ...(toolCalls?.length ? { toolCalls } : {}),
    finishReason,
    usage: routedUsage(candidate, usage),
    model: candidate.model.id,
    provider: candidate.model.provider,
    tier: candidate.tier,
  };
}

/** What one chat or stream attempt sends its provider. */
export function providerCall(
  candidate: Candidate,
  request: LlmRequest,
  maxTokens: number,
  signal: AbortSignal,
): ProviderChatCall {
  const { messages, temperature, tools, toolChoice, parallelToolCalls, responseFormat } = request;
  return {
    model: candidate.model.id,
    messages,
    maxTokens,
    signal,
    ...(temperature === undefined ? {} : { temperature }),
    ...(tools ? { tools, toolChoice, parallelToolCalls } : {}),
    ...(responseFormat ? { responseFormat } : {}),
  };
}

export function adapterFor(
  adapters: ReadonlyMap<string, ProviderAdapter>,
  candidate: Candidate,
): ProviderAdapter {
  const adapter = adapters.get(candidate.model.provider);
  if (!adapter) throw new Error(`no adapter for provider '${candidate.model.provider}'`);
  return adapter;
}
