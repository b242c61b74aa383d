import { BUDGET_MODES, BUDGET_PERIODS, BUDGET_SCOPES } from '@switchboard/budget';
import { COST_GROUPS } from '../costs/costs-query';
import { ref } from './openapi-refs';

const nullable = (schema: Record<string, unknown>) => ({ ...schema, nullable: true });
const timestamp = { type: 'string', format: 'date-time' };
const micros = { type: 'integer', minimum: 0, description: 'micro-dollars (1e-6 USD)' };
const dollars = { type: 'string', pattern: '^-?\\d+\\.\\d{6}$', description: 'USD, for display' };
/** An amount: integer micro-dollars, and the same amount as a dollar string beside it. */
const amount = (name: string) => ({ [`${name}Micros`]: micros, [name]: dollars });

const editable = {
  limitMicros: { ...micros, maximum: 1e15 },
  mode: { type: 'string', enum: [...BUDGET_MODES], default: 'hard' },
  thresholds: {
    type: 'array',
    items: { type: 'integer', minimum: 1, maximum: 100 },
    maxItems: 10,
    description: 'alert percentages, strictly ascending; each fires once per period',
    default: [80, 90, 95, 100],
  },
  timezone: { type: 'string', default: 'UTC', description: 'IANA zone the periods follow' },
  webhookUrl: nullable({
    type: 'string',
    format: 'uri',
    description: 'alerts are POSTed here, signed (needs BUDGET_WEBHOOK_SECRET)',
  }),
};

/** OpenAPI schemas of /v1/budgets and /v1/costs. */
export function budgetSchemas(): Record<string, Record<string, unknown>> {
  return {
    BudgetPoolCreate: {
      type: 'object',
      additionalProperties: false,
      required: ['scope', 'period', 'limitMicros'],
      properties: {
        scope: { type: 'string', enum: [...BUDGET_SCOPES] },
        tenantId: { type: 'string', format: 'uuid', description: 'admin token only (required)' },
        apiKeyId: { type: 'string', format: 'uuid', description: 'api_key pools (and job)' },
        period: {
          type: 'string',
          enum: [...BUDGET_PERIODS],
          description: 'job pools are lifetime',
        },
        ...editable,
      },
    },
    BudgetPoolUpdate: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: editable,
    },
    BudgetPool: {
      type: 'object',
      properties: {
        id: { type: 'string', format: 'uuid' },
        tenantId: { type: 'string', format: 'uuid' },
        scope: { type: 'string', enum: [...BUDGET_SCOPES] },
        apiKeyId: nullable({ type: 'string', format: 'uuid' }),
        period: { type: 'string', enum: [...BUDGET_PERIODS] },
        ...amount('limit'),
        mode: editable.mode,
        thresholds: editable.thresholds,
        timezone: { type: 'string' },
        webhookUrl: editable.webhookUrl,
        createdBy: {
          type: 'string',
          enum: ['admin', 'tenant'],
          description: 'a tenant key may change only the key pools it set itself',
        },
        createdByKeyId: nullable({
          type: 'string',
          format: 'uuid',
          description: 'the API key that set the pool: the only key that may change or delete it',
        }),
        createdAt: timestamp,
        updatedAt: timestamp,
        links: {
          type: 'object',
          properties: { self: { type: 'string' }, status: { type: 'string' } },
        },
      },
    },
    BudgetPoolList: {
      type: 'object',
      properties: { data: { type: 'array', items: ref('BudgetPool') } },
    },
    BudgetStatus: {
      type: 'object',
      properties: {
        pool: ref('BudgetPool'),
        periodKey: {
          type: 'string',
          example: '2026-11-21',
          description: 'or 2026-W47, 2026-11, lifetime',
        },
        periodStart: nullable(timestamp),
        resetsAt: nullable(timestamp),
        ...amount('limit'),
        ...amount('spent'),
        ...amount('reserved'),
        ...amount('remaining'),
      },
    },
    BudgetStatusList: {
      type: 'object',
      properties: { data: { type: 'array', items: ref('BudgetStatus') } },
    },
    CostRow: {
      type: 'object',
      properties: {
        key: { type: 'string', description: 'the day, tier, provider, model or role' },
        calls: { type: 'integer', description: 'logged LLM call attempts' },
        inputTokens: { type: 'integer' },
        outputTokens: { type: 'integer' },
        ...amount('cost'),
      },
    },
    CostReport: {
      type: 'object',
      properties: {
        tenantId: { type: 'string', format: 'uuid' },
        from: { type: 'string', format: 'date' },
        to: { type: 'string', format: 'date' },
        groupBy: { type: 'string', enum: [...COST_GROUPS] },
        data: { type: 'array', items: ref('CostRow') },
        total: ref('CostRow'),
        sources: {
          type: 'object',
          description: 'which UTC days came from the daily rollup, which from raw rows',
          properties: {
            rollup: { type: 'array', items: { type: 'string', format: 'date' } },
            raw: { type: 'array', items: { type: 'string', format: 'date' } },
          },
        },
      },
    },
  };
}
