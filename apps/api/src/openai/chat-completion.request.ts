import { jobDefinition, type ChatMessage } from '@switchboard/catalogue';
import { z } from 'zod';
import { invalidRequest } from './openai-error';
import { issueToError } from './request-issue';

const ROLES = ['system', 'developer', 'user', 'assistant'] as const;
/** Roles OpenAI knows that need tool calling, which the front door does not offer. */
const TOOL_ROLES = ['tool', 'function'];

const contentPartSchema = z.looseObject({ type: z.string() });
const MAX_MODEL_NAME = 256;
const MAX_MESSAGES = 500;

const messageSchema = z.looseObject({
  role: z.string(),
  content: z.union([z.string(), z.array(contentPartSchema)]).nullish(),
  tool_calls: z.array(z.unknown()).nullish(),
  function_call: z.unknown().optional(),
});

// Not strict: OpenAI ignores fields it does not know, and so does the front door (`user`,
// `seed`, `top_p`, penalties... are accepted and ignored; see docs/openai-compatibility.md).
const requestSchema = z.looseObject({
  model: z.string().min(1).max(MAX_MODEL_NAME),
  // The chat job's own limit, checked here first so a body of thousands of bad messages is
  // refused on its length, not after one problem per message.
  messages: z.array(messageSchema).min(1).max(MAX_MESSAGES),
  max_tokens: z.number().int().min(1).nullish(),
  max_completion_tokens: z.number().int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  n: z.number().int().min(1).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  tools: z.array(z.unknown()).nullish(),
  functions: z.array(z.unknown()).nullish(),
  tool_choice: z.unknown().optional(),
  function_call: z.unknown().optional(),
  response_format: z.looseObject({ type: z.string() }).nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().min(0).nullish(),
  audio: z.unknown().optional(),
});
type RawRequest = z.infer<typeof requestSchema>;
type RawMessage = z.infer<typeof messageSchema>;

/** A chat completion request, checked and reduced to what a `chat` job takes. */
export interface ChatCompletionRequest {
  /** As the client wrote it: the response echoes it. */
  model: string;
  messages: ChatMessage[];
  maxTokens?: number;
  temperature?: number;
  stop?: string[];
  stream: boolean;
  includeUsage: boolean;
}

function unsupported(param: string, what: string) {
  return invalidRequest(`${what} is not supported by Switchboard.`, param, 'unsupported_parameter');
}

/** What OpenAI itself refuses about tools, with its messages, before anything else. */
function refuseInvalidTools(raw: RawRequest): void {
  for (const [list, choice] of [
    ['tools', 'tool_choice'],
    ['functions', 'function_call'],
  ] as const) {
    const declared = raw[list];
    if (declared && declared.length === 0) {
      throw invalidRequest(`[] is too short - '${list}'`, list, 'empty_array');
    }
    if (raw[choice] != null && !declared) {
      throw invalidRequest(
        `Invalid value for '${choice}': '${choice}' is only allowed when '${list}' are specified.`,
        choice,
        'invalid_value',
      );
    }
  }
}

/** Features that change what the answer is; refused rather than silently dropped. */
function refuseUnsupported(raw: RawRequest): void {
  refuseInvalidTools(raw);
  if ((raw.n ?? 1) !== 1) {
    throw invalidRequest('Only n=1 is supported.', 'n', 'unsupported_value');
  }
  if (raw.tools?.length) throw unsupported('tools', 'Tool calling');
  if (raw.functions?.length) throw unsupported('functions', 'Function calling');
  if (raw.tool_choice != null && raw.tool_choice !== 'none' && raw.tool_choice !== 'auto') {
    throw unsupported('tool_choice', 'Tool calling');
  }
  if (raw.logprobs || raw.top_logprobs) throw unsupported('logprobs', 'logprobs');
  if (raw.response_format && raw.response_format.type !== 'text') {
    throw unsupported('response_format', `response_format '${raw.response_format.type}'`);
  }
  if (raw.audio != null) throw unsupported('audio', 'Audio output');
}

function toMessage(message: RawMessage, i: number): ChatMessage {
  const at = `messages[${i}]`;
  if (TOOL_ROLES.includes(message.role)) {
    throw invalidRequest(
      `Messages with role '${message.role}' need tool calling, which is not supported.`,
      `${at}.role`,
      'unsupported_value',
    );
  }
  if (!(ROLES as readonly string[]).includes(message.role)) {
    throw invalidRequest(
      `Invalid value: '${message.role}'. Supported values are: 'system', 'developer', 'user' ` +
        "and 'assistant'.",
      `${at}.role`,
      'invalid_value',
    );
  }
  if (message.tool_calls?.length || message.function_call != null) {
    throw unsupported(`${at}.tool_calls`, 'Tool calling');
  }
  if (message.content == null) {
    throw invalidRequest(
      `Missing required parameter: '${at}.content'.`,
      `${at}.content`,
      'missing_required_parameter',
    );
  }
  // `developer` is OpenAI's newer name for `system`.
  const role = message.role === 'developer' ? 'system' : (message.role as ChatMessage['role']);
  return { role, content: textOf(message.content, at) } as ChatMessage;
}

/** Text parts are joined with newlines; any other part type (images, audio...) is refused. */
function textOf(content: string | z.infer<typeof contentPartSchema>[], at: string): string {
  if (typeof content === 'string') return content;
  return content
    .map((part, j) => {
      if (part.type !== 'text') {
        throw invalidRequest(
          `Content parts of type '${part.type}' are not supported; only 'text' parts are.`,
          `${at}.content[${j}].type`,
          'unsupported_value',
        );
      }
      if (typeof part.text !== 'string') {
        throw invalidRequest(
          `Missing required parameter: '${at}.content[${j}].text'.`,
          `${at}.content[${j}].text`,
          'missing_required_parameter',
        );
      }
      return part.text;
    })
    .join('\n');
}

/** The smaller of the two limits OpenAI accepts, when either is set. */
function maxTokensOf(raw: RawRequest): number | undefined {
  const limits = [raw.max_tokens, raw.max_completion_tokens].filter(
    (v): v is number => typeof v === 'number',
  );
  return limits.length > 0 ? Math.min(...limits) : undefined;
}

/** The job input's own limits (message count and size, max tokens), in OpenAI's names. */
function checkChatInput(raw: RawRequest, input: Record<string, unknown>): void {
  const parsed = jobDefinition('chat').input.safeParse(input);
  if (parsed.success) return;
  const limitName = raw.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens';
  throw issueToError(input, parsed.error.issues[0], (path) =>
    path[0] === 'maxTokens' ? [limitName] : path,
  );
}

/**
 * Validates an OpenAI chat completion body: a 400 in OpenAI's shape names the first problem
 * (`param`, `code`), like OpenAI's own answers.
 */
export function parseChatCompletion(body: unknown): ChatCompletionRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest('The request body must be a JSON object.', null, 'invalid_type');
  }
  const parsed = requestSchema.safeParse(body);
  if (!parsed.success) throw issueToError(body, parsed.error.issues[0]);
  const raw = parsed.data;
  refuseUnsupported(raw);
  const messages = raw.messages.map(toMessage);
  const stop = raw.stop == null ? undefined : typeof raw.stop === 'string' ? [raw.stop] : raw.stop;
  const request: ChatCompletionRequest = {
    model: raw.model,
    messages,
    maxTokens: maxTokensOf(raw),
    temperature: raw.temperature ?? undefined,
    stop: stop?.length ? stop : undefined,
    stream: raw.stream === true,
    includeUsage: raw.stream === true && raw.stream_options?.include_usage === true,
  };
  checkChatInput(raw, chatInputOf(request));
  return request;
}

/** The `chat` job input for a request; `model` pins a catalogue model when one was named. */
export function chatInputOf(request: ChatCompletionRequest, model?: string) {
  return {
    messages: request.messages,
    ...(model ? { model } : {}),
    ...(request.maxTokens !== undefined ? { maxTokens: request.maxTokens } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.stop ? { stop: request.stop } : {}),
  };
}
