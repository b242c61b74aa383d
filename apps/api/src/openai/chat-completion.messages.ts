import { IMAGE_MEDIA_TYPES } from '@switchboard/llm';
import type { ChatMessage } from '@switchboard/catalogue';
import { z } from 'zod';
import { invalidRequest } from './openai-error';

// OpenAI's chat messages, as loose as OpenAI reads them, and their mapping onto the public chat
// schema (`ChatMessage`): text and image parts, assistant tool calls, tool results.

const partSchema = z.looseObject({ type: z.string() });
type RawPart = z.infer<typeof partSchema>;

export const messageSchema = z.looseObject({
  role: z.string(),
  content: z.union([z.string(), z.array(partSchema)]).nullish(),
  tool_calls: z.array(z.unknown()).nullish(),
  tool_call_id: z.unknown().optional(),
  function_call: z.unknown().optional(),
});
type RawMessage = z.infer<typeof messageSchema>;

type UserPart = Exclude<Extract<ChatMessage, { role: 'user' }>['content'], string>[number];
type ToolCall = NonNullable<Extract<ChatMessage, { role: 'assistant' }>['toolCalls']>[number];

const ROLES = "'system', 'developer', 'user', 'assistant' and 'tool'";
const DATA_URL = /^data:([a-z]+\/[a-z0-9.+-]+);base64,(.*)$/is;

/** A value as a message quotes it. */
const valueText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

const missing = (param: string) =>
  invalidRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');

const invalidType = (param: string, expected: string) =>
  invalidRequest(`Invalid type for '${param}': expected ${expected}.`, param, 'invalid_type');

function unsupportedValue(message: string, param: string) {
  return invalidRequest(message, param, 'unsupported_value');
}

/** Text of a message that takes text only: a string, or text parts joined with newlines. */
function textOf(content: string | RawPart[], at: string, allowed = "'text'"): string {
  if (typeof content === 'string') return content;
  return content
    .map((part, j) => {
      if (part.type !== 'text') {
        throw unsupportedValue(
          `Content parts of type '${part.type}' are not supported here; only ${allowed} parts are.`,
          `${at}.content[${j}].type`,
        );
      }
      if (typeof part.text !== 'string') throw missing(`${at}.content[${j}].text`);
      return part.text;
    })
    .join('\n');
}

/** An `image_url` part: an http(s) URL, or a base64 `data:` URL of a PNG, JPEG, GIF or WebP. */
function imagePart(part: RawPart, at: string): UserPart {
  const image = part.image_url as { url?: unknown } | string | undefined;
  const url = typeof image === 'string' ? image : image?.url;
  if (typeof url !== 'string') throw missing(`${at}.image_url.url`);
  const data = DATA_URL.exec(url);
  if (!data) return { type: 'image', url };
  const mediaType = data[1].toLowerCase();
  if (!(IMAGE_MEDIA_TYPES as readonly string[]).includes(mediaType)) {
    throw unsupportedValue(
      `Images of type '${mediaType}' are not supported; send ${IMAGE_MEDIA_TYPES.join(', ')}.`,
      `${at}.image_url.url`,
    );
  }
  return {
    type: 'image',
    data: data[2],
    mediaType: mediaType as (typeof IMAGE_MEDIA_TYPES)[number],
  };
}

/**
 * A user message's content: text alone stays one string (parts joined with newlines); with
 * images, the parts in order.
 */
function userContent(content: string | RawPart[], at: string): ChatMessage['content'] {
  if (typeof content === 'string' || content.every((part) => part.type === 'text')) {
    return textOf(content, at);
  }
  return content.map((part, j): UserPart => {
    if (part.type === 'image_url') return imagePart(part, `${at}.content[${j}]`);
    if (part.type === 'text') {
      if (typeof part.text !== 'string') throw missing(`${at}.content[${j}].text`);
      return { type: 'text', text: part.text };
    }
    throw unsupportedValue(
      `Content parts of type '${part.type}' are not supported; only 'text' and 'image_url' parts are.`,
      `${at}.content[${j}].type`,
    );
  });
}

/** An assistant's `tool_calls[j]`: `{id, type: 'function', function: {name, arguments}}`. */
function toolCallOf(raw: unknown, at: string): ToolCall {
  if (typeof raw !== 'object' || raw === null) throw invalidType(at, 'an object');
  const call = raw as { id?: unknown; type?: unknown; function?: unknown };
  if (call.type !== undefined && call.type !== 'function') {
    throw unsupportedValue(
      `Tool calls of type '${valueText(call.type)}' are not supported; only 'function' calls are.`,
      `${at}.type`,
    );
  }
  if (typeof call.id !== 'string') throw missing(`${at}.id`);
  const fn = call.function as { name?: unknown; arguments?: unknown } | undefined;
  if (typeof fn !== 'object' || fn === null) throw missing(`${at}.function`);
  if (typeof fn.name !== 'string') throw missing(`${at}.function.name`);
  if (typeof fn.arguments !== 'string') throw missing(`${at}.function.arguments`);
  return { id: call.id, name: fn.name, arguments: fn.arguments };
}

function assistantMessage(message: RawMessage, at: string): ChatMessage {
  if (message.function_call != null) {
    throw invalidRequest(
      "The legacy assistant 'function_call' is not supported; send 'tool_calls' instead.",
      `${at}.function_call`,
      'unsupported_parameter',
    );
  }
  const toolCalls = message.tool_calls?.length
    ? message.tool_calls.map((call, j) => toolCallOf(call, `${at}.tool_calls[${j}]`))
    : undefined;
  // OpenAI: content may be null (or absent) only beside tool calls.
  if (message.content == null && !toolCalls) throw missing(`${at}.content`);
  const content = message.content == null ? '' : textOf(message.content, at, "'text'");
  return toolCalls ? { role: 'assistant', content, toolCalls } : { role: 'assistant', content };
}

/** A tool result names its call; the call (an earlier assistant message) names the tool. */
function toolMessage(message: RawMessage, at: string, calls: Map<string, string>): ChatMessage {
  if (typeof message.tool_call_id !== 'string') {
    if (message.tool_call_id == null) throw missing(`${at}.tool_call_id`);
    throw invalidType(`${at}.tool_call_id`, 'a string');
  }
  const name = calls.get(message.tool_call_id);
  if (name === undefined) {
    throw invalidRequest(
      "Invalid parameter: messages with role 'tool' must be a response to a preceding message " +
        `with 'tool_calls' (no tool call has the id '${message.tool_call_id}').`,
      `${at}.tool_call_id`,
      'invalid_value',
    );
  }
  if (message.content == null) throw missing(`${at}.content`);
  return {
    role: 'tool',
    toolCallId: message.tool_call_id,
    name,
    content: textOf(message.content, at),
  };
}

function toMessage(message: RawMessage, at: string, calls: Map<string, string>): ChatMessage {
  switch (message.role) {
    case 'system':
    case 'developer':
      // `developer` is OpenAI's newer name for `system`.
      if (message.content == null) throw missing(`${at}.content`);
      return { role: 'system', content: textOf(message.content, at) };
    case 'user':
      if (message.content == null) throw missing(`${at}.content`);
      return { role: 'user', content: userContent(message.content, at) };
    case 'assistant':
      return assistantMessage(message, at);
    case 'tool':
      return toolMessage(message, at, calls);
    case 'function':
      throw unsupportedValue(
        "Messages with role 'function' (legacy function calling) are not supported; send " +
          "role 'tool' results of 'tools' instead.",
        `${at}.role`,
      );
    default:
      throw invalidRequest(
        `Invalid value: '${message.role}'. Supported values are: ${ROLES}.`,
        `${at}.role`,
        'invalid_value',
      );
  }
}

/** OpenAI's messages as the public chat schema has them, refusing what it cannot carry. */
export function toChatMessages(messages: readonly RawMessage[]): ChatMessage[] {
  const calls = new Map<string, string>();
  return messages.map((raw, i) => {
    const message = toMessage(raw, `messages[${i}]`, calls);
    if (message.role === 'assistant') {
      for (const call of message.toolCalls ?? []) calls.set(call.id, call.name);
    }
    return message;
  });
}

/**
 * A path of the chat job's input (`messages[i].toolCalls[j].name`) in OpenAI's terms
 * (`messages[i].tool_calls[j].function.name`), for its validation errors.
 */
export function openAiMessagePath(path: readonly PropertyKey[]): PropertyKey[] {
  const [, i, field, j, key] = path;
  const at: PropertyKey[] = ['messages', i];
  switch (field) {
    case 'toolCalls':
      if (j === undefined) return [...at, 'tool_calls'];
      if (key === 'id' || key === undefined) return [...at, 'tool_calls', j, ...path.slice(4)];
      return [...at, 'tool_calls', j, 'function', ...path.slice(4)];
    case 'toolCallId':
      return [...at, 'tool_call_id'];
    case 'content':
      if (key === 'url' || key === 'data' || key === 'mediaType') {
        return [...at, 'content', j, 'image_url', 'url'];
      }
      return [...path];
    default:
      return [...path];
  }
}
