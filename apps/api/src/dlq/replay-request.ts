import { ROLES, TIERS } from '@switchboard/catalogue';
import { UUID_PATTERN } from '@switchboard/persistence';
import { z } from 'zod';

/** Replay named failed jobs, or the newest failed jobs matching a filter. */
export const replayRequestSchema = z.union([
  z.strictObject({ ids: z.array(z.string().regex(UUID_PATTERN, 'must be a job id')).min(1).max(100) }),
  z.strictObject({
    role: z.enum(ROLES).optional(),
    tier: z.union(TIERS.map((t) => z.literal(t))).optional(),
    limit: z.number().int().min(1).max(100).default(100),
  }),
]);

export type ReplayRequest = z.infer<typeof replayRequestSchema>;
