import { ROLES, TIERS } from '@switchboard/catalogue';
import { UUID_PATTERN } from '@switchboard/persistence';
import { z } from 'zod';

const byIds = z.strictObject({
  ids: z.array(z.string().regex(UUID_PATTERN, 'must be a job id')).min(1).max(100),
});
const byFilter = z.strictObject({
  role: z.enum(ROLES).optional(),
  tier: z.union(TIERS.map((t) => z.literal(t))).optional(),
  limit: z.number().int().min(1).max(100).default(100),
});

/** Replay named failed jobs, or the newest failed jobs matching a filter. */
export const replayRequestSchema = z.union([byIds, byFilter]);

export type ReplayRequest = z.infer<typeof replayRequestSchema>;

/**
 * Picks the variant by the presence of `ids` before validating, so a refusal names the
 * offending fields; a plain union only reports "Invalid input" for the whole body.
 */
export function parseReplayRequest(body: unknown) {
  const hasIds = typeof body === 'object' && body !== null && 'ids' in body;
  return (hasIds ? byIds : byFilter).safeParse(body);
}
