import type { ApiResponseOptions } from '@nestjs/swagger';
import { ref } from '../docs/openapi-refs';

/** The error responses of an OpenAI-compatible route: OpenAI's shape, not problem+json. */
export function openAiErrorResponses(...statuses: number[]): ApiResponseOptions {
  return {
    status: 'default' as never,
    description: `Errors (${statuses.join(', ')}) in OpenAI's shape`,
    content: { 'application/json': { schema: ref('OpenAIError') } },
  };
}

const nullable = (schema: Record<string, unknown>) => ({ ...schema, nullable: true });
const usage = {
  type: 'object',
  properties: {
    prompt_tokens: { type: 'integer' },
    completion_tokens: { type: 'integer' },
    total_tokens: { type: 'integer' },
  },
};
const textPart = {
  type: 'object',
  required: ['type', 'text'],
  properties: { type: { type: 'string', enum: ['text'] }, text: { type: 'string' } },
};
const imagePart = {
  type: 'object',
  required: ['type', 'image_url'],
  description: 'user messages only; needs a model with vision',
  properties: {
    type: { type: 'string', enum: ['image_url'] },
    image_url: {
      type: 'object',
      required: ['url'],
      properties: {
        url: {
          type: 'string',
          description: 'an http(s) URL, or a data: URL of base64 PNG, JPEG, GIF or WebP',
        },
        detail: { type: 'string', description: 'accepted and ignored' },
      },
    },
  },
};
const toolCall = {
  type: 'object',
  required: ['id', 'type', 'function'],
  properties: {
    id: { type: 'string' },
    type: { type: 'string', enum: ['function'] },
    function: {
      type: 'object',
      required: ['name', 'arguments'],
      properties: {
        name: { type: 'string' },
        arguments: { type: 'string', description: 'JSON text, as the model wrote it' },
      },
    },
  },
};
const toolCallDelta = {
  type: 'object',
  description:
    "a call's first delta has id, type, name and arguments ''; the next ones argument pieces",
  properties: {
    index: { type: 'integer' },
    id: { type: 'string' },
    type: { type: 'string', enum: ['function'] },
    function: {
      type: 'object',
      properties: { name: { type: 'string' }, arguments: { type: 'string' } },
    },
  },
};
const finishReason = { type: 'string', enum: ['stop', 'length', 'tool_calls'] };
const functionTool = {
  type: 'object',
  required: ['type', 'function'],
  properties: {
    type: { type: 'string', enum: ['function'] },
    function: {
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', pattern: '^[a-zA-Z0-9_-]{1,64}$' },
        description: { type: 'string' },
        parameters: {
          type: 'object',
          description: 'JSON Schema of an object; an invalid one is a 400 naming the function',
        },
        strict: { type: 'boolean', description: 'accepted; the schema reaches the provider' },
      },
    },
  },
};

/** OpenAPI schemas of POST /v1/chat/completions and the model aliases of GET /v1/models. */
export function openAiSchemas(): Record<string, Record<string, unknown>> {
  return {
    ChatCompletionRequest: {
      type: 'object',
      description: 'OpenAI chat completion request; unknown fields are ignored, as OpenAI does',
      required: ['model', 'messages'],
      properties: {
        model: { type: 'string', description: 'tier-0 … tier-3, or a catalogue model' },
        messages: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['role'],
            properties: {
              role: { type: 'string', enum: ['system', 'developer', 'user', 'assistant', 'tool'] },
              content: nullable({
                description: 'null only for an assistant message with tool_calls',
                oneOf: [
                  { type: 'string' },
                  { type: 'array', items: { oneOf: [textPart, imagePart] } },
                ],
              }),
              tool_calls: { type: 'array', items: toolCall, description: 'assistant messages' },
              tool_call_id: {
                type: 'string',
                description: 'tool messages: the id of the call (of an earlier assistant message)',
              },
            },
          },
        },
        max_tokens: nullable({ type: 'integer', minimum: 1 }),
        max_completion_tokens: nullable({ type: 'integer', minimum: 1 }),
        temperature: nullable({ type: 'number', minimum: 0, maximum: 2 }),
        stop: nullable({
          oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, maxItems: 4 }],
        }),
        stream: nullable({ type: 'boolean' }),
        stream_options: nullable({
          type: 'object',
          properties: { include_usage: { type: 'boolean' } },
        }),
        n: nullable({ type: 'integer', enum: [1] }),
        tools: nullable({ type: 'array', minItems: 1, maxItems: 128, items: functionTool }),
        tool_choice: nullable({
          oneOf: [
            { type: 'string', enum: ['auto', 'none', 'required'] },
            {
              type: 'object',
              required: ['type', 'function'],
              properties: {
                type: { type: 'string', enum: ['function'] },
                function: {
                  type: 'object',
                  required: ['name'],
                  properties: { name: { type: 'string' } },
                },
              },
            },
          ],
        }),
        parallel_tool_calls: nullable({ type: 'boolean' }),
        response_format: nullable({
          type: 'object',
          required: ['type'],
          properties: {
            type: { type: 'string', enum: ['text', 'json_object', 'json_schema'] },
            json_schema: {
              type: 'object',
              required: ['name', 'schema'],
              properties: {
                name: { type: 'string' },
                description: { type: 'string' },
                schema: { type: 'object' },
                strict: { type: 'boolean' },
              },
            },
          },
        }),
        user: { type: 'string', description: 'accepted and ignored' },
      },
    },
    ChatCompletion: {
      type: 'object',
      properties: {
        id: { type: 'string', description: 'chatcmpl-<job id>' },
        object: { type: 'string', enum: ['chat.completion'] },
        created: { type: 'integer' },
        model: { type: 'string', description: 'the model of the request' },
        choices: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              index: { type: 'integer' },
              message: {
                type: 'object',
                properties: {
                  role: { type: 'string', enum: ['assistant'] },
                  content: nullable({ type: 'string', description: 'null with tool calls only' }),
                  tool_calls: { type: 'array', items: toolCall },
                },
              },
              finish_reason: finishReason,
            },
          },
        },
        usage,
      },
    },
    ChatCompletionChunk: {
      type: 'object',
      description: 'one SSE `data:` line of a streamed completion',
      properties: {
        id: { type: 'string' },
        object: { type: 'string', enum: ['chat.completion.chunk'] },
        created: { type: 'integer' },
        model: { type: 'string' },
        choices: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              index: { type: 'integer' },
              delta: {
                type: 'object',
                properties: {
                  role: { type: 'string' },
                  content: { type: 'string' },
                  tool_calls: { type: 'array', items: toolCallDelta },
                },
              },
              finish_reason: nullable(finishReason),
            },
          },
        },
        usage: nullable({ ...usage, description: 'with stream_options.include_usage' }),
      },
    },
    ModelAlias: {
      type: 'object',
      description: 'a tier alias: any model of the tier, chosen by the router',
      properties: {
        id: { type: 'string', enum: ['tier-0', 'tier-1', 'tier-2', 'tier-3'] },
        object: { type: 'string', enum: ['model'] },
        created: { type: 'integer' },
        owned_by: { type: 'string', enum: ['switchboard'] },
        tiers: { type: 'array', items: { type: 'integer' } },
        description: { type: 'string' },
      },
    },
    OpenAIError: {
      type: 'object',
      description: "OpenAI's error shape (OpenAI-compatible routes only)",
      properties: {
        error: {
          type: 'object',
          required: ['message', 'type', 'param', 'code'],
          properties: {
            message: { type: 'string' },
            type: { type: 'string', description: 'invalid_request_error, server_error, …' },
            param: nullable({ type: 'string' }),
            code: nullable({ type: 'string', description: 'stable machine-readable code' }),
          },
        },
      },
    },
  };
}
