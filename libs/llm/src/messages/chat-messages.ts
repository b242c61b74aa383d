import type { ChatMessage } from '@switchboard/catalogue';
import type { ContentPart, LlmMessage } from './llm-message';

/** The one place the public chat schema (job input) becomes the LLM lib's message type. */
export function toLlmMessages(messages: readonly ChatMessage[]): LlmMessage[] {
  return messages.map((message): LlmMessage => {
    switch (message.role) {
      case 'system':
        return { role: 'system', content: message.content };
      case 'user':
        return {
          role: 'user',
          content:
            typeof message.content === 'string'
              ? message.content
              : message.content.map((part): ContentPart => ({ ...part })),
        };
      case 'assistant':
        return message.toolCalls
          ? {
              role: 'assistant',
              content: message.content,
              toolCalls: message.toolCalls.map((c) => ({ ...c })),
            }
          : { role: 'assistant', content: message.content };
      case 'tool':
        return {
          role: 'tool',
          toolCallId: message.toolCallId,
          name: message.name,
          content: message.content,
          ...(message.isError ? { isError: true } : {}),
        };
    }
  });
}
