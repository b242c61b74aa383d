import { z } from 'zod';
import { llmResultFields, modelControls } from '../common.schema';
import { defineJob } from '../job-definition';
import { roleOptions } from '../job-options';

export const coderJob = defineJob({
  description: 'Writes or changes code for a task.',
  input: z.strictObject({
    task: z.string().min(1).max(20_000),
    language: z.string().min(1).max(50).optional(),
    files: z
      .array(z.strictObject({ path: z.string().min(1).max(500), content: z.string().max(200_000) }))
      .max(50)
      .optional(),
    ...modelControls,
  }),
  result: z.object({ ...llmResultFields }),
  options: roleOptions({ timeoutMs: 600_000 }),
  tools: [
    'code_check',
    'calculator',
    'current_time',
    'json_query',
    'http_fetch',
    'http_request',
    'filesystem__*',
    'git__*',
  ],
});
