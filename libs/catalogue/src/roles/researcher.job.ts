import { z } from 'zod';
import { llmResultFields, modelControls } from '../common.schema';
import { defineJob } from '../job-definition';
import { roleOptions } from '../job-options';

export const researcherJob = defineJob({
  description: 'Answers a question from the given context.',
  input: z.strictObject({
    question: z.string().min(1).max(20_000),
    context: z.string().max(500_000).optional(),
    ...modelControls,
  }),
  result: z.object({ ...llmResultFields }),
  options: roleOptions({ timeoutMs: 600_000 }),
  tools: ['http_fetch', 'json_query', 'calculator', 'current_time', 'memory__*'],
});
