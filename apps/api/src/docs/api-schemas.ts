import {
  JOB_STATUSES,
  ROLES,
  TIERS,
  TIER_DESCRIPTIONS,
  openApiSchemaName,
} from '@switchboard/catalogue';
import { embeddingsSchemas } from '../openai/embeddings-openapi';
import { openAiSchemas } from '../openai/openai-openapi';
import { retrievalSchemas } from '../retrieval/retrieval-openapi';
import { budgetSchemas } from './budget-schemas';
import { eventSchemas } from './event-schemas';
import { llmSchemas } from './llm-schemas';
import { ref } from './openapi-refs';
import { toolSchemas } from './tool-schemas';

const nullable = (schema: Record<string, unknown>) => ({ ...schema, nullable: true });
const timestamp = { type: 'string', format: 'date-time' };

/** Schemas of the API's own envelopes; role payloads come from the catalogue. */
export function apiSchemas(): Record<string, Record<string, unknown>> {
  return {
    Job: {
      type: 'object',
      required: ['id', 'role', 'tier', 'status', 'attempts', 'usage', 'createdAt', 'links'],
      properties: {
        id: { type: 'string', format: 'uuid' },
        role: { type: 'string', enum: [...ROLES] },
        tier: {
          type: 'integer',
          enum: [...TIERS],
          description: TIERS.map((t) => `${t}: ${TIER_DESCRIPTIONS[t]}`).join('; '),
        },
        status: { type: 'string', enum: [...JOB_STATUSES] },
        privacy: { type: 'boolean' },
        maxTier: { type: 'integer', enum: [...TIERS], description: 'escalation ceiling' },
        streamFailover: { type: 'string', enum: ['fail', 'restart'] },
        traceId: nullable({ type: 'string' }),
        priority: nullable({ type: 'integer' }),
        delay: nullable({ type: 'integer', description: 'milliseconds' }),
        timeoutMs: nullable({ type: 'integer', description: "own timeout; null: the role's" }),
        parentId: nullable({ type: 'string', format: 'uuid' }),
        progress: nullable({ description: 'number or object set by the actor' }),
        result: nullable({ oneOf: ROLES.map((r) => ref(openApiSchemaName(r, 'Result'))) }),
        error: nullable({
          type: 'object',
          properties: {
            message: { type: 'string' },
            code: { type: 'string' },
            retryable: { type: 'boolean' },
          },
        }),
        attempts: {
          type: 'object',
          properties: { made: { type: 'integer' }, max: { type: 'integer' } },
        },
        usage: {
          type: 'object',
          properties: {
            inputTokens: { type: 'integer' },
            outputTokens: { type: 'integer' },
            costMicros: { type: 'integer', description: 'micro-dollars (1e-6 USD)' },
          },
        },
        createdAt: timestamp,
        startedAt: nullable(timestamp),
        finishedAt: nullable(timestamp),
        cancelRequestedAt: nullable({
          ...timestamp,
          description: 'a cancel was accepted: the job ends cancelled',
        }),
        links: {
          type: 'object',
          properties: {
            self: { type: 'string' },
            events: { type: 'string', description: 'SSE stream of the job (GET)' },
            cancel: { type: 'string' },
            retry: { type: 'string' },
          },
        },
      },
    },
    JobPage: {
      type: 'object',
      properties: {
        data: { type: 'array', items: ref('Job') },
        nextCursor: nullable({ type: 'string', description: 'pass as ?cursor= for the next page' }),
      },
    },
    ...llmSchemas(),
    ...openAiSchemas(),
    ...embeddingsSchemas(),
    ...budgetSchemas(),
    ...eventSchemas(),
    ...toolSchemas(),
    ...retrievalSchemas(),
    Problem: {
      type: 'object',
      description: 'RFC 9457 problem details',
      required: ['type', 'title', 'status', 'detail', 'code'],
      properties: {
        type: { type: 'string', format: 'uri' },
        title: { type: 'string' },
        status: { type: 'integer' },
        detail: { type: 'string' },
        instance: { type: 'string' },
        code: { type: 'string', description: 'stable machine-readable code' },
        errors: {
          type: 'array',
          items: {
            type: 'object',
            properties: { field: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
  };
}
