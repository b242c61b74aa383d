import type { LlmMessage, LlmTool } from './llm-message';

/**
 * Tokens an image may cost as input. Providers count images by their pixels, not their bytes
 * (OpenAI at most 765 at high detail for a 1024² tile set, Anthropic about 1,600 for a
 * 1.15-megapixel image, larger ones are scaled down), so a fixed generous allowance bounds it.
 */
export const IMAGE_INPUT_TOKENS = 1_600;

/** The texts a request sends as input (for counting and byte bounds), and its images. */
export interface MessageInput {
  texts: string[];
  images: number;
}

export function messageInput(
  messages: readonly LlmMessage[],
  tools: readonly LlmTool[] = [],
): MessageInput {
  const texts: string[] = [];
  let images = 0;
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        texts.push(message.content);
        break;
      case 'user':
        if (typeof message.content === 'string') texts.push(message.content);
        else
          for (const part of message.content) {
            if (part.type === 'text') texts.push(part.text);
            else images++;
          }
        break;
      case 'assistant':
        texts.push(message.content);
        for (const call of message.toolCalls ?? []) texts.push(call.name, call.arguments);
        break;
      case 'tool':
        texts.push(message.content);
        break;
    }
  }
  // Tool definitions reach the model as text in its prompt.
  for (const tool of tools) texts.push(JSON.stringify(tool));
  return { texts, images };
}

/** Plain text of a message's content (parts joined; images left out). */
export function contentText(content: string | readonly { type: string; text?: string }[]): string {
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' ? (part.text ?? '') : '')).join('');
}
