import { z } from 'zod';
import { llmResultFields, modelControls } from '../common.schema';
import { defineJob } from '../job-definition';
import { roleOptions } from '../job-options';

export const plannerJob = defineJob({
  description: 'Breaks a goal into ordered steps.',
  input: z.strictObject({
    goal: z.string().min(1).max(20_000),
    context: z.string().max(200_000).optional(),
    maxSteps: z.number().int().min(1).max(50).optional(),
    ...modelControls,
  }),
  result: z.object({ ...llmResultFields, steps: z.array(z.string()) }),
  options: roleOptions({ timeoutMs: 300_000 }),
  tools: ['calculator', 'current_time', 'json_query'],
});
