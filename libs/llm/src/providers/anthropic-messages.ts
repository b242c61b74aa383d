import type { Anthropic } from '@anthropic-ai/sdk';
import type {
  ContentPart,
  LlmMessage,
  LlmTool,
  ResponseFormat,
  ToolCall,
  ToolChoice,
} from '../messages/llm-message';
import { ProviderError } from './provider-error';
import { argumentsObject } from './arguments-object';

// LlmMessage and friends in the Messages API wire shape, and tool_use blocks back.

type BlockParam = Anthropic.ContentBlockParam;

function contentBlock(part: ContentPart): BlockParam {
  if (part.type === 'text') return { type: 'text', text: part.text };
  if ('url' in part) return { type: 'image', source: { type: 'url', url: part.url } };
  return {
    type: 'image',
    source: { type: 'base64', media_type: part.mediaType, data: part.data },
  };
}

function assistantBlocks(m: Extract<LlmMessage, { role: 'assistant' }>): BlockParam[] {
  return [
    ...(m.content === '' ? [] : [{ type: 'text' as const, text: m.content }]),
    ...(m.toolCalls ?? []).map((call) => ({
      type: 'tool_use' as const,
      id: call.id,
      name: call.name,
      input: argumentsObject(call.arguments),
    })),
  ];
}

/**
 * The conversation as `system` text plus user/assistant turns. Tool results go back in a user
 * turn of `tool_result` blocks: consecutive tool messages share one, as the API expects the
 * results of one assistant turn's calls together.
 */
export function anthropicMessages(messages: readonly LlmMessage[]): {
  system: string;
  messages: Anthropic.MessageParam[];
} {
  const system: string[] = [];
  const out: Anthropic.MessageParam[] = [];
  let results: Anthropic.ToolResultBlockParam[] | undefined;
  for (const m of messages) {
    if (m.role !== 'tool') results = undefined;
    switch (m.role) {
      case 'system':
        system.push(m.content);
        break;
      case 'user':
        out.push({
          role: 'user',
          content: typeof m.content === 'string' ? m.content : m.content.map(contentBlock),
        });
        break;
      case 'assistant':
        out.push({
          role: 'assistant',
          content: m.toolCalls?.length ? assistantBlocks(m) : m.content,
        });
        break;
      case 'tool':
        if (!results) {
          results = [];
          out.push({ role: 'user', content: results });
        }
        results.push({
          type: 'tool_result',
          tool_use_id: m.toolCallId,
          content: m.content,
          ...(m.isError ? { is_error: true } : {}),
        });
        break;
    }
  }
  return { system: system.join('\n\n'), messages: out };
}

export function anthropicTools(tools: readonly LlmTool[]): Anthropic.Tool[] {
  return tools.map((tool) => ({
    name: tool.name,
    ...(tool.description === undefined ? {} : { description: tool.description }),
    input_schema: tool.parameters as Anthropic.Tool.InputSchema,
  }));
}

/** `disable_parallel_tool_use` lives inside tool_choice (an `auto` one when none was asked). */
export function anthropicToolChoice(
  choice: ToolChoice | undefined,
  parallel: boolean | undefined,
): Anthropic.ToolChoice | undefined {
  if (choice === 'none') return { type: 'none' };
  const serial = parallel === false ? { disable_parallel_tool_use: true } : {};
  if (choice === undefined) return parallel === false ? { type: 'auto', ...serial } : undefined;
  if (choice === 'auto') return { type: 'auto', ...serial };
  if (choice === 'required') return { type: 'any', ...serial };
  return { type: 'tool', name: choice.name, ...serial };
}

/**
 * Structured output through `output_config.format`, native in this SDK generation. Anthropic
 * has a JSON Schema mode only: no schema-free "any JSON object" mode. `json_object` is refused
 * as a bad request (no failover: every Anthropic model would refuse it alike) rather than
 * faked with a prompt instruction or a forced tool that would not guarantee the same thing.
 */
export function anthropicOutputConfig(
  format: ResponseFormat | undefined,
  provider: string,
): Anthropic.OutputConfig | undefined {
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') {
    throw new ProviderError(
      'bad_request',
      provider,
      'responseFormat json_object has no Anthropic equivalent: ask for json_schema instead',
    );
  }
  return { format: { type: 'json_schema', schema: format.schema } };
}

/** tool_use blocks of a whole message; `arguments` is the input as JSON text. */
export function anthropicToolCalls(content: readonly Anthropic.ContentBlock[]): ToolCall[] {
  return content.flatMap((block) =>
    block.type === 'tool_use'
      ? [{ id: block.id, name: block.name, arguments: JSON.stringify(block.input ?? {}) }]
      : [],
  );
}
