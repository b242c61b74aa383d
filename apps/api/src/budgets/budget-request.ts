import { BUDGET_MODES, BUDGET_PERIODS, BUDGET_SCOPES } from '@switchboard/budget';
import { UUID_PATTERN } from '@switchboard/persistence';
import { z } from 'zod';

/** $1,000,000,000: far above any real budget, far below Number.MAX_SAFE_INTEGER micros. */
export const MAX_LIMIT_MICROS = 1_000_000_000_000_000;

const uuid = (what: string) => z.string().regex(UUID_PATTERN, `must be ${what} id (a UUID)`);

const limitMicros = z
  .number({ error: 'must be an integer number of micro-dollars' })
  .int('must be an integer number of micro-dollars')
  .min(0, 'must not be negative')
  .max(MAX_LIMIT_MICROS, `must be at most ${MAX_LIMIT_MICROS}`);

const thresholds = z
  .array(z.number().int('must be an integer percentage').min(1).max(100))
  .max(10)
  .refine((list) => list.every((t, i) => i === 0 || t > list[i - 1]), {
    message: 'must be strictly ascending',
  });

/** A zone Intl knows, canonicalised (`utc` → `UTC`); offsets like `+01:00` are not zones. */
const timezone = z
  .string()
  .min(1)
  .max(64)
  .transform((tz, ctx) => {
    const canonical = canonicalZone(tz);
    if (!canonical) {
      ctx.addIssue({ code: 'custom', message: 'must be an IANA time zone, e.g. Europe/Paris' });
      return z.NEVER;
    }
    return canonical;
  });

const webhookUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http or https URL' })
  .max(2000)
  .nullable();

export const createBudgetSchema = z
  .strictObject({
    scope: z.enum(BUDGET_SCOPES),
    tenantId: uuid('a tenant').optional(),
    apiKeyId: uuid('an API key').optional(),
    period: z.enum(BUDGET_PERIODS),
    limitMicros,
    mode: z.enum(BUDGET_MODES).default('hard'),
    thresholds: thresholds.optional(),
    timezone: timezone.default('UTC'),
    webhookUrl: webhookUrl.optional(),
  })
  .superRefine((body, ctx) => {
    if (body.scope === 'api_key' && !body.apiKeyId) {
      ctx.addIssue({ code: 'custom', path: ['apiKeyId'], message: 'required for api_key pools' });
    }
    if (body.scope === 'tenant' && body.apiKeyId) {
      ctx.addIssue({ code: 'custom', path: ['apiKeyId'], message: 'not allowed on tenant pools' });
    }
    if (body.scope === 'job' && body.period !== 'lifetime') {
      ctx.addIssue({
        code: 'custom',
        path: ['period'],
        message: 'job pools cap each job over its whole life: use lifetime',
      });
    }
  });
export type CreateBudgetRequest = z.infer<typeof createBudgetSchema>;

export const updateBudgetSchema = z
  .strictObject({
    limitMicros: limitMicros.optional(),
    mode: z.enum(BUDGET_MODES).optional(),
    thresholds: thresholds.optional(),
    timezone: timezone.optional(),
    webhookUrl: webhookUrl.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'change at least one field' });
export type UpdateBudgetRequest = z.infer<typeof updateBudgetSchema>;

/** `?tenantId=` is how the admin token picks a tenant; an API key may only name its own. */
export const tenantQuerySchema = z.strictObject({ tenantId: uuid('a tenant').optional() });

export const statusQuerySchema = tenantQuerySchema.extend({
  apiKeyId: uuid('an API key').optional(),
  jobId: uuid('a job').optional(),
});

function canonicalZone(tz: string): string | null {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}
