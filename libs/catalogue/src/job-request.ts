import { z } from 'zod';
import { JOB_CATALOGUE, type JobInput } from './catalogue';
import { ROLES, isRole, type Role } from './roles';
import { TIERS, isTier, type Tier } from './tiers';
import { MAX_ALLOWED_TOOLS, TOOL_PATTERN } from './tool-allowlists';

const MAX_DELAY_MS = 30 * 24 * 3600 * 1000;
/** BullMQ priorities: 1 is the highest, 2^21 the lowest; omitted means no priority. */
export const MAX_PRIORITY = 2_097_152;
/** Bounds of a job's own timeout: long enough for one LLM call, short of a stuck slot for hours. */
export const MIN_JOB_TIMEOUT_MS = 100;
export const MAX_JOB_TIMEOUT_MS = 3_600_000;

export const jobOptionsFields = {
  priority: z.number().int().min(1).max(MAX_PRIORITY).optional(),
  delay: z.number().int().min(0).max(MAX_DELAY_MS).optional(),
  privacy: z.boolean().optional(),
  /** Escalation ceiling: the router may go up to this tier when lower ones fail. */
  maxTier: z
    .number()
    .int()
    .refine((t) => isTier(t), { message: `must be one of ${TIERS.join(', ')}` })
    .optional(),
  /** When a stream breaks after text was delivered: fail the call, or restart it elsewhere. */
  streamFailover: z.enum(['fail', 'restart']).optional(),
  /** When a budget refuses a call: fail the job (BUDGET_EXCEEDED), or delay it to the reset. */
  budgetPolicy: z.enum(['fail', 'defer']).optional(),
  /** Overrides the role's timeout: the run is aborted after this long and fails with TIMEOUT. */
  timeoutMs: z.number().int().min(MIN_JOB_TIMEOUT_MS).max(MAX_JOB_TIMEOUT_MS).optional(),
  /** Narrows the role's tool allowlist: glob patterns over tool names (never widens it). */
  allowedTools: z
    .array(z.string().regex(TOOL_PATTERN, 'must be a tool name or a glob pattern of tool names'))
    .max(MAX_ALLOWED_TOOLS)
    .optional(),
};

const envelopeSchema = z.strictObject({
  role: z.unknown(),
  tier: z.unknown(),
  input: z.unknown(),
  ...jobOptionsFields,
});

export interface JobRequest<R extends Role = Role> {
  role: R;
  tier: Tier;
  input: JobInput<R>;
  priority?: number;
  delay?: number;
  privacy: boolean;
  maxTier?: Tier;
  streamFailover?: 'fail' | 'restart';
  budgetPolicy?: 'fail' | 'defer';
  timeoutMs?: number;
  /** Tool-name patterns narrowing the role's allowlist; absent: the role's whole list. */
  allowedTools?: string[];
}

export interface FieldProblem {
  field: string;
  message: string;
}

/** Why a request was refused: `unknown-role-or-tier` answers 400, `invalid-input` 422. */
export type JobRequestProblem =
  | {
      kind: 'unknown-role-or-tier';
      detail: string;
      validRoles: readonly Role[];
      validTiers: readonly Tier[];
    }
  | { kind: 'invalid-input'; errors: FieldProblem[] };

export function toFieldProblems(error: z.ZodError, prefix = ''): FieldProblem[] {
  return error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(body)',
    message: issue.message,
  }));
}

export function parseJobRequest(
  body: unknown,
): { ok: true; request: JobRequest } | { ok: false; problem: JobRequestProblem } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return {
      ok: false,
      problem: {
        kind: 'invalid-input',
        errors: [{ field: '(body)', message: 'must be a JSON object' }],
      },
    };
  }
  const { role, tier } = body as { role?: unknown; tier?: unknown };
  if (!isRole(role) || !isTier(tier)) {
    const detail = !isRole(role)
      ? `Unknown role ${JSON.stringify(role ?? null)}. Valid roles: ${ROLES.join(', ')}.`
      : `Unknown tier ${JSON.stringify(tier ?? null)}. Valid tiers: ${TIERS.join(', ')}.`;
    return {
      ok: false,
      problem: { kind: 'unknown-role-or-tier', detail, validRoles: ROLES, validTiers: TIERS },
    };
  }
  const envelope = envelopeSchema.safeParse(body);
  const input = JOB_CATALOGUE[role].input.safeParse((body as { input?: unknown }).input);
  const maxTier = (body as { maxTier?: unknown }).maxTier;
  const errors = [
    ...(envelope.success ? [] : toFieldProblems(envelope.error)),
    ...(typeof maxTier === 'number' && maxTier < tier
      ? [{ field: 'maxTier', message: `must be at least the job's tier (${tier})` }]
      : []),
    ...(input.success ? [] : toFieldProblems(input.error, 'input')),
  ];
  if (!envelope.success || !input.success || errors.length > 0) {
    return { ok: false, problem: { kind: 'invalid-input', errors } };
  }
  const { priority, delay, privacy, streamFailover, budgetPolicy, timeoutMs, allowedTools } =
    envelope.data;
  return {
    ok: true,
    request: {
      role,
      tier,
      input: input.data,
      priority,
      delay,
      privacy: privacy ?? false,
      ...(maxTier !== undefined && maxTier !== tier ? { maxTier: maxTier as Tier } : {}),
      ...(streamFailover ? { streamFailover } : {}),
      ...(budgetPolicy ? { budgetPolicy } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(allowedTools ? { allowedTools } : {}),
    },
  };
}
