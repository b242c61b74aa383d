import type { ChatMessage, Usage } from '@switchboard/catalogue';
import type { LlmResponse } from '@switchboard/llm';
import type { ActorContext } from '../actor.types';

export interface ModelControls {
  model?: string;
  maxTokens?: number;
  temperature?: number;
}

/** One LLM call with a role's system prompt; returns the fields every result carries. */
export async function singleCall(
  ctx: ActorContext,
  system: string,
  user: string,
  controls: ModelControls,
): Promise<Pick<LlmResponse, 'text' | 'model' | 'provider' | 'finishReason'> & { usage: Usage }> {
  const messages: ChatMessage[] = [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
  const { model, maxTokens, temperature } = controls;
  const response = await ctx.llm.chat({ messages, model, maxTokens, temperature });
  return { ...response, usage: ctx.usage() };
}
