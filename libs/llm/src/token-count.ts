import type { ChatMessage } from '@switchboard/catalogue';
import { countTokens } from 'gpt-tokenizer';

/**
 * Tokens of a text with OpenAI's o200k tokenizer. Budgets reserve on this count, and calls a
 * provider reports no usage for are logged with it. Other providers' tokenizers differ
 * slightly; a BPE tokenizer never yields fewer tokens than there are words.
 */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : countTokens(text);
}

export function estimateMessageTokens(messages: readonly ChatMessage[]): number {
  // Every message costs a few tokens of framing, as in OpenAI's chat format.
  return messages.reduce((sum, m) => sum + 4 + estimateTokens(m.content), 3);
}
