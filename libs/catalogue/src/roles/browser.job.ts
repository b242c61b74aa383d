import { z } from 'zod';
import { llmResultFields, modelControls } from '../common.schema';
import { defineJob } from '../job-definition';
import { roleOptions } from '../job-options';

export const browserJob = defineJob({
  description: 'Carries out a task on a web page.',
  input: z.strictObject({
    url: z.url({ protocol: /^https?$/ }),
    task: z.string().min(1).max(20_000),
    ...modelControls,
  }),
  result: z.object({ ...llmResultFields, url: z.string() }),
  options: roleOptions({ timeoutMs: 300_000, attempts: 2 }),
  tools: ['http_fetch', 'http_request', 'json_query', 'current_time'],
});
