import { z } from 'zod';
import { llmResultFields, modelControls } from '../common.schema';
import { defineJob } from '../job-definition';
import { roleOptions } from '../job-options';

export const judgeJob = defineJob({
  description: 'Picks the best of several candidates against criteria.',
  input: z.strictObject({
    criteria: z.string().min(1).max(20_000),
    candidates: z.array(z.string().min(1).max(200_000)).min(2).max(20),
    ...modelControls,
  }),
  result: z.object({ ...llmResultFields, winner: z.number().int().nonnegative() }),
  options: roleOptions(),
  tools: ['code_check', 'calculator', 'json_query'],
});
