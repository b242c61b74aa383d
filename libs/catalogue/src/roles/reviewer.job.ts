import { z } from 'zod';
import { llmResultFields, modelControls } from '../common.schema';
import { defineJob } from '../job-definition';
import { roleOptions } from '../job-options';

export const REVIEW_VERDICTS = ['approve', 'request_changes', 'comment'] as const;

export const reviewerJob = defineJob({
  description: 'Reviews code or a diff and gives a verdict.',
  input: z.strictObject({
    content: z.string().min(1).max(500_000),
    instructions: z.string().max(20_000).optional(),
    ...modelControls,
  }),
  result: z.object({ ...llmResultFields, verdict: z.enum(REVIEW_VERDICTS) }),
  options: roleOptions({ timeoutMs: 300_000 }),
  tools: ['code_check', 'calculator', 'json_query', 'git__*'],
});
