import { jobDefinition, type ChatMessage } from '@switchboard/catalogue';
import { z } from 'zod';
import { messageSchema, openAiMessagePath, toChatMessages } from './chat-completion.messages';
import {
  responseFormatOf,
  toolChoiceOf,
  toolsOf,
  type ChatResponseFormat,
  type ChatTool,
  type ChatToolChoice,
} from './chat-completion.tools';
import { invalidRequest } from './openai-error';
import { issueToError } from './request-issue';

const MAX_MODEL_NAME = 256;
const MAX_MESSAGES = 500;

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
  parallel_tool_calls: z.boolean().nullish(),
  response_format: z.unknown().optional(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().min(0).nullish(),
  audio: z.unknown().optional(),
  modalities: z.array(z.string()).nullish(),
  prediction: z.unknown().optional(),
  web_search_options: z.unknown().optional(),
});
type RawRequest = z.infer<typeof requestSchema>;

/** A chat completion request, checked and reduced to what a `chat` job takes. */
export interface ChatCompletionRequest {
  /** As the client wrote it: the response echoes it. */
  model: string;
  messages: ChatMessage[];
  maxTokens?: number;
  temperature?: number;
  stop?: string[];
  tools?: ChatTool[];
  toolChoice?: ChatToolChoice;
  parallelToolCalls?: boolean;
  responseFormat?: ChatResponseFormat;
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
  if (raw.functions?.length) {
    throw invalidRequest(
      "The legacy 'functions' parameter is not supported by Switchboard; declare them as " +
        "'tools' ({type: 'function', function: {name, description, parameters}}).",
      'functions',
      'unsupported_parameter',
    );
  }
  if (raw.logprobs || raw.top_logprobs) throw unsupported('logprobs', 'logprobs');
  if (raw.audio != null) throw unsupported('audio', 'Audio output');
  if (raw.modalities?.some((m) => m !== 'text')) {
    throw unsupported('modalities', `Output modalities other than 'text'`);
  }
  if (raw.prediction != null) throw unsupported('prediction', 'Predicted outputs');
  if (raw.web_search_options != null) throw unsupported('web_search_options', 'Web search');
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
  throw issueToError(input, parsed.error.issues[0], (path) => {
    if (path[0] === 'maxTokens') return [limitName];
    if (path[0] === 'messages') return openAiMessagePath(path);
    if (path[0] === 'toolChoice') return ['tool_choice'];
    return path;
  });
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
  const messages = toChatMessages(raw.messages);
  const tools = toolsOf(raw.tools);
  const stop = raw.stop == null ? undefined : typeof raw.stop === 'string' ? [raw.stop] : raw.stop;
  const request: ChatCompletionRequest = {
    model: raw.model,
    messages,
    maxTokens: maxTokensOf(raw),
    temperature: raw.temperature ?? undefined,
    stop: stop?.length ? stop : undefined,
    tools,
    toolChoice: toolChoiceOf(raw.tool_choice, tools),
    // Without tools it has nothing to say.
    parallelToolCalls: tools ? (raw.parallel_tool_calls ?? undefined) : undefined,
    responseFormat: responseFormatOf(raw.response_format),
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
    ...(request.tools ? { tools: request.tools } : {}),
    ...(request.toolChoice !== undefined ? { toolChoice: request.toolChoice } : {}),
    ...(request.parallelToolCalls !== undefined
      ? { parallelToolCalls: request.parallelToolCalls }
      : {}),
    ...(request.responseFormat ? { responseFormat: request.responseFormat } : {}),
  };
}
