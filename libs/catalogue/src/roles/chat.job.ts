import { z } from 'zod';
import { chatMessageSchema, llmResultFields, modelControls } from '../common.schema';
import { defineJob } from '../job-definition';
import { roleOptions } from '../job-options';

export const chatJob = defineJob({
  description: 'One LLM chat completion.',
  input: z.strictObject({
    messages: z.array(chatMessageSchema).min(1).max(500),
    ...modelControls,
  }),
  result: z.object({ ...llmResultFields, finishReason: z.enum(['stop', 'length']) }),
  options: roleOptions(),
});
