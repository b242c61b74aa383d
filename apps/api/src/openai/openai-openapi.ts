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
            required: ['role', 'content'],
            properties: {
              role: { type: 'string', enum: ['system', 'developer', 'user', 'assistant'] },
              content: { oneOf: [{ type: 'string' }, { type: 'array', items: textPart }] },
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
                  content: { type: 'string' },
                },
              },
              finish_reason: { type: 'string', enum: ['stop', 'length'] },
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
                properties: { role: { type: 'string' }, content: { type: 'string' } },
              },
              finish_reason: nullable({ type: 'string', enum: ['stop', 'length'] }),
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
