import { ROLES, TIERS } from '@switchboard/catalogue';
import { z } from 'zod';

/** GET /v1/tools filters: a role's allowlist, and what a tier or private job may use. */
export const listToolsQuerySchema = z.strictObject({
  role: z.enum(ROLES).optional(),
  tier: z.coerce
    .number()
    .int()
    .refine((t) => (TIERS as readonly number[]).includes(t), {
      message: `tier must be one of ${TIERS.join(', ')}`,
    })
    .optional(),
  privacy: z.enum(['true', 'false']).optional(),
});
