import { z } from 'zod';
import { chatMessageSchema, llmResultFields, modelControls, stopControls } from '../common.schema';
import { defineJob } from '../job-definition';
import { roleOptions } from '../job-options';

export const chatJob = defineJob({
  description: 'One LLM chat completion.',
  input: z.strictObject({
    messages: z.array(chatMessageSchema).min(1).max(500),
    ...modelControls,
    ...stopControls,
  }),
  // budget_exhausted: a stream was cut off when its budget reservation was spent.
  result: z.object({
    ...llmResultFields,
    finishReason: z.enum(['stop', 'length', 'budget_exhausted']),
  }),
  options: roleOptions(),
});
