import { JOB_STATUSES, ROLES, TIERS } from '@switchboard/catalogue';
import { z } from 'zod';

export const listJobsQuerySchema = z.strictObject({
  status: z.enum(JOB_STATUSES).optional(),
  role: z.enum(ROLES).optional(),
  tier: z.coerce
    .number()
    .int()
    .refine((t) => (TIERS as readonly number[]).includes(t), {
      message: `tier must be one of ${TIERS.join(', ')}`,
    })
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

export type ListJobsQuery = z.infer<typeof listJobsQuerySchema>;
