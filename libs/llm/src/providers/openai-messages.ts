import type { OpenAI } from 'openai';
import type {
  ContentPart,
  LlmMessage,
  LlmTool,
  ResponseFormat,
  ToolCall,
  ToolChoice,
} from '../messages/llm-message';

// LlmMessage and friends in the chat completions wire shape, and tool calls back.

type MessageParam = OpenAI.Chat.ChatCompletionMessageParam;
type ContentPartParam = OpenAI.Chat.ChatCompletionContentPart;

function contentPart(part: ContentPart): ContentPartParam {
  if (part.type === 'text') return { type: 'text', text: part.text };
  // Inline images travel as data: URLs, which every vision-capable server takes.
  const url = 'url' in part ? part.url : `data:${part.mediaType};base64,${part.data}`;
  return { type: 'image_url', image_url: { url } };
}

function message(m: LlmMessage): MessageParam {
  switch (m.role) {
    case 'system':
      return { role: 'system', content: m.content };
    case 'user':
      return {
        role: 'user',
        content: typeof m.content === 'string' ? m.content : m.content.map(contentPart),
      };
    case 'assistant':
      if (!m.toolCalls?.length) return { role: 'assistant', content: m.content };
      return {
        role: 'assistant',
        // A turn that is only tool calls has null content on the wire, as the API returns it.
        content: m.content === '' ? null : m.content,
        tool_calls: m.toolCalls.map((call) => ({
          id: call.id,
          type: 'function' as const,
          function: { name: call.name, arguments: call.arguments },
        })),
      };
    case 'tool':
      // The API has no error flag on tool results: the text says so.
      return { role: 'tool', tool_call_id: m.toolCallId, content: m.content };
  }
}

export function openAiMessages(messages: readonly LlmMessage[]): MessageParam[] {
  return messages.map(message);
}

export function openAiTools(tools: readonly LlmTool[]): OpenAI.Chat.ChatCompletionFunctionTool[] {
  return tools.map((tool) => ({
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: tool.parameters,
    },
  }));
}

export function openAiToolChoice(choice: ToolChoice): OpenAI.Chat.ChatCompletionToolChoiceOption {
  return typeof choice === 'string'
    ? choice
    : { type: 'function', function: { name: choice.name } };
}

export function openAiResponseFormat(
  format: ResponseFormat,
): OpenAI.Chat.ChatCompletionCreateParams['response_format'] {
  if (format.type !== 'json_schema') return { type: format.type };
  return {
    type: 'json_schema',
    json_schema: {
      name: format.name,
      schema: format.schema,
      ...(format.strict === undefined ? {} : { strict: format.strict }),
    },
  };
}

/** Function calls of a completion message (custom-tool calls are never asked for). */
export function openAiToolCalls(
  calls: readonly OpenAI.Chat.ChatCompletionMessageToolCall[] | undefined,
): ToolCall[] | undefined {
  const functions = (calls ?? []).flatMap((call) =>
    call.type === 'function'
      ? [{ id: call.id, name: call.function.name, arguments: call.function.arguments }]
      : [],
  );
  return functions.length > 0 ? functions : undefined;
}
