import { CAPABILITIES } from '@switchboard/llm';
import { ref } from './openapi-refs';

const nullable = (schema: Record<string, unknown>) => ({ ...schema, nullable: true });
const timestamp = { type: 'string', format: 'date-time' };
const micros = { type: 'integer', description: 'micro-dollars per million tokens' };

/** OpenAPI schemas of /v1/models and /v1/providers. */
export function llmSchemas(): Record<string, Record<string, unknown>> {
  return {
    Model: {
      type: 'object',
      properties: {
        id: { type: 'string', description: 'provider/model, unique in the catalogue' },
        object: { type: 'string', enum: ['model'] },
        created: { type: 'integer' },
        owned_by: { type: 'string' },
        provider: { type: 'string' },
        model: { type: 'string', description: "the provider's own model id" },
        tiers: { type: 'array', items: { type: 'integer' } },
        capabilities: { type: 'array', items: { type: 'string', enum: [...CAPABILITIES] } },
        contextWindow: { type: 'integer' },
        local: { type: 'boolean' },
        prices: nullable({
          type: 'object',
          properties: { input: micros, output: micros, cachedInput: micros },
        }),
      },
    },
    ModelList: {
      type: 'object',
      properties: {
        object: { type: 'string', enum: ['list'] },
        data: { type: 'array', items: { oneOf: [ref('ModelAlias'), ref('Model')] } },
      },
    },
    Provider: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        kind: { type: 'string', enum: ['openai', 'anthropic', 'ollama', 'simulated'] },
        local: { type: 'boolean' },
        baseURL: nullable({ type: 'string' }),
        models: { type: 'array', items: { type: 'string' } },
        health: {
          type: 'object',
          properties: {
            status: { type: 'string', enum: ['up', 'down', 'unknown'] },
            checkedAt: nullable(timestamp),
            latencyMs: nullable({ type: 'integer' }),
            error: nullable({ type: 'string' }),
          },
        },
        circuit: {
          type: 'object',
          properties: {
            state: { type: 'string', enum: ['closed', 'open', 'half_open'] },
            consecutiveFailures: { type: 'integer' },
            openUntil: nullable(timestamp),
            changedAt: nullable(timestamp),
            timesOpened: { type: 'integer' },
          },
        },
        cooldown: {
          type: 'object',
          description: 'set by a 429 (Retry-After), shared by every process',
          properties: {
            active: { type: 'boolean' },
            remainingMs: { type: 'integer' },
            until: nullable(timestamp),
          },
        },
      },
    },
    ProviderList: {
      type: 'object',
      properties: { data: { type: 'array', items: ref('Provider') } },
    },
  };
}
