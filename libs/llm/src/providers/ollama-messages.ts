import { randomUUID } from 'node:crypto';
import type { Message, Tool, ToolCall as OllamaToolCall } from 'ollama';
import type {
  LlmMessage,
  LlmTool,
  ResponseFormat,
  ToolCall,
  ToolChoice,
} from '../messages/llm-message';
import { argumentsObject } from './arguments-object';
import { ProviderError } from './provider-error';

// LlmMessage and friends in Ollama's /api/chat shape, and tool calls back.

function userMessage(m: Extract<LlmMessage, { role: 'user' }>, provider: string): Message {
  if (typeof m.content === 'string') return { role: 'user', content: m.content };
  const texts: string[] = [];
  const images: string[] = [];
  for (const part of m.content) {
    if (part.type === 'text') texts.push(part.text);
    else if ('data' in part) images.push(part.data);
    else {
      // Ollama fetches nothing itself; downloading for it is not this adapter's business.
      throw new ProviderError(
        'bad_request',
        provider,
        'Ollama takes images as base64 data only, not by URL',
      );
    }
  }
  return { role: 'user', content: texts.join('\n'), ...(images.length ? { images } : {}) };
}

export function ollamaMessages(messages: readonly LlmMessage[], provider: string): Message[] {
  return messages.map((m): Message => {
    switch (m.role) {
      case 'system':
        return { role: 'system', content: m.content };
      case 'user':
        return userMessage(m, provider);
      case 'assistant':
        return {
          role: 'assistant',
          content: m.content,
          ...(m.toolCalls?.length
            ? {
                tool_calls: m.toolCalls.map((call) => ({
                  function: { name: call.name, arguments: argumentsObject(call.arguments) },
                })),
              }
            : {}),
        };
      case 'tool':
        // Ollama pairs a result with its call by the tool's name; it has no error flag.
        return { role: 'tool', content: m.content, tool_name: m.name };
    }
  });
}

/**
 * Ollama has no tool_choice: `none` sends no tools, `{name}` offers only that tool (the model
 * may still answer in text), `required` cannot be enforced and offers them all.
 */
export function ollamaTools(tools: readonly LlmTool[], choice?: ToolChoice): Tool[] | undefined {
  if (choice === 'none') return undefined;
  const offered =
    typeof choice === 'object' ? tools.filter((tool) => tool.name === choice.name) : tools;
  if (offered.length === 0) return undefined;
  return offered.map((tool) => ({
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: tool.parameters,
    },
  }));
}

/** `format`: `json`, or the JSON Schema itself (Ollama's structured outputs). */
export function ollamaFormat(format: ResponseFormat | undefined): string | object | undefined {
  if (!format || format.type === 'text') return undefined;
  return format.type === 'json_object' ? 'json' : format.schema;
}

/**
 * Tool calls of one response message. Ollama parses the arguments into an object (stringified
 * back here; a server that passes unparsed text on keeps it raw) and sends no ids in the
 * versions the SDK types: each call then gets a fresh one.
 */
export function ollamaToolCalls(calls: readonly OllamaToolCall[] | undefined): ToolCall[] {
  return (calls ?? []).map((call) => {
    const args: unknown = call.function.arguments;
    const id = (call as { id?: unknown }).id;
    return {
      id: typeof id === 'string' && id !== '' ? id : `call_${randomUUID()}`,
      name: call.function.name,
      arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}),
    };
  });
}
