import type { ChatMessage } from '@switchboard/catalogue';

/** A rough count (about 4 characters a token) for providers that report no usage. */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.max(1, Math.ceil(text.length / 4));
}

export function estimateMessageTokens(messages: readonly ChatMessage[]): number {
  // Every message costs a few tokens of framing, as in OpenAI's chat format.
  return messages.reduce((sum, m) => sum + 4 + estimateTokens(m.content), 2);
}
