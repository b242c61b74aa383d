import { responseFormatSchema, toolDefinitionSchema, type JobInput } from '@switchboard/catalogue';
import { invalidRequest } from './openai-error';
import { issueToError } from './request-issue';

// OpenAI's tool calling and structured output fields (`tools`, `tool_choice`,
// `parallel_tool_calls`, `response_format`) mapped onto the chat job's, with OpenAI's params
// in every refusal.

type ChatInput = JobInput<'chat'>;
export type ChatTool = NonNullable<ChatInput['tools']>[number];
export type ChatToolChoice = NonNullable<ChatInput['toolChoice']>;
export type ChatResponseFormat = NonNullable<ChatInput['responseFormat']>;

/** A value as a message quotes it. */
const valueText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

const missing = (param: string) =>
  invalidRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');

function objectAt(value: unknown, param: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    if (value === undefined || value === null) throw missing(param);
    throw invalidRequest(`Invalid type for '${param}': expected an object.`, param, 'invalid_type');
  }
  return value as Record<string, unknown>;
}

/**
 * `{type: 'function', function: {name, description, parameters, strict}}`. `parameters` must
 * be a JSON Schema of an object; a refusal names the function. `strict` is accepted: the
 * schema reaches the provider either way.
 */
function toolOf(raw: unknown, i: number): ChatTool {
  const at = `tools[${i}]`;
  const tool = objectAt(raw, at);
  if (tool.type !== 'function') {
    if (tool.type === undefined) throw missing(`${at}.type`);
    throw invalidRequest(
      `Tools of type '${valueText(tool.type)}' are not supported; only 'function' tools are.`,
      `${at}.type`,
      'unsupported_value',
    );
  }
  const fn = objectAt(tool.function, `${at}.function`);
  if (fn.name === undefined) throw missing(`${at}.function.name`);
  const definition = {
    name: fn.name,
    ...(fn.description != null ? { description: fn.description } : {}),
    ...(fn.parameters != null ? { parameters: fn.parameters } : {}),
  };
  const parsed = toolDefinitionSchema.safeParse(definition);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue.path[0] === 'parameters' && typeof fn.name === 'string') {
    throw invalidRequest(
      `Invalid schema for function '${fn.name}': ${issue.message}.`,
      `${at}.function.parameters`,
      'invalid_function_parameters',
    );
  }
  throw issueToError(definition, issue, (path) => [`${at}.function`, ...path]);
}

export function toolsOf(raw: readonly unknown[] | null | undefined): ChatTool[] | undefined {
  if (!raw?.length) return undefined;
  const tools = raw.map(toolOf);
  const seen = new Set<string>();
  tools.forEach((tool, i) => {
    if (seen.has(tool.name)) {
      throw invalidRequest(
        `Invalid 'tools': the function '${tool.name}' is declared twice.`,
        `tools[${i}].function.name`,
        'invalid_value',
      );
    }
    seen.add(tool.name);
  });
  return tools;
}

/** `'auto' | 'none' | 'required' | {type: 'function', function: {name}}`, naming a tool. */
export function toolChoiceOf(raw: unknown, tools: readonly ChatTool[] | undefined) {
  if (raw == null) return undefined;
  if (raw === 'auto' || raw === 'none' || raw === 'required') return raw satisfies ChatToolChoice;
  if (typeof raw === 'string') {
    throw invalidRequest(
      `Invalid value: '${raw}'. Supported values are: 'none', 'auto' and 'required'.`,
      'tool_choice',
      'invalid_value',
    );
  }
  const choice = objectAt(raw, 'tool_choice');
  if (choice.type !== 'function') {
    throw invalidRequest(
      `tool_choice of type '${valueText(choice.type)}' is not supported; use 'auto', 'none', ` +
        "'required' or {type: 'function', function: {name}}.",
      'tool_choice.type',
      'unsupported_value',
    );
  }
  const name = objectAt(choice.function, 'tool_choice.function').name;
  if (typeof name !== 'string') throw missing('tool_choice.function.name');
  if (!tools?.some((tool) => tool.name === name)) {
    throw invalidRequest(
      `Invalid value for 'tool_choice': there is no function named '${name}' in 'tools'.`,
      'tool_choice',
      'invalid_value',
    );
  }
  return { name } satisfies ChatToolChoice;
}

/**
 * `text` (the default, so nothing is sent), `json_object`, or `json_schema` with
 * `json_schema: {name, schema, strict, description}` (the description goes into the schema).
 */
export function responseFormatOf(raw: unknown): ChatResponseFormat | undefined {
  if (raw == null) return undefined;
  const format = objectAt(raw, 'response_format');
  switch (format.type) {
    case 'text':
      return undefined;
    case 'json_object':
      return { type: 'json_object' };
    case 'json_schema':
      break;
    default:
      if (format.type === undefined) throw missing('response_format.type');
      throw invalidRequest(
        `response_format '${valueText(format.type)}' is not supported; use 'text', 'json_object' ` +
          "or 'json_schema'.",
        'response_format.type',
        'unsupported_value',
      );
  }
  const spec = objectAt(format.json_schema, 'response_format.json_schema');
  if (spec.schema == null) throw missing('response_format.json_schema.schema');
  const schema =
    typeof spec.description === 'string' && typeof spec.schema === 'object'
      ? { description: spec.description, ...spec.schema }
      : spec.schema;
  const candidate = {
    type: 'json_schema',
    name: spec.name,
    schema,
    ...(spec.strict != null ? { strict: spec.strict } : {}),
  };
  const parsed = responseFormatSchema.safeParse(candidate);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue.path[0] === 'schema' && typeof spec.name === 'string') {
    throw invalidRequest(
      `Invalid schema for response_format '${spec.name}': ${issue.message}.`,
      'response_format.json_schema.schema',
      'invalid_value',
    );
  }
  throw issueToError(candidate, issue, (path) => ['response_format', 'json_schema', ...path]);
}
