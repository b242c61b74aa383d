import { z } from 'zod';
import {
  chatMessageSchema,
  toolCallSchema,
  toolChoiceProblem,
  toolControls,
} from '../chat-messages.schema';
import { llmResultFields, modelControls, stopControls } from '../common.schema';
import { defineJob } from '../job-definition';
import { roleOptions } from '../job-options';

export const chatJob = defineJob({
  description: 'One LLM chat completion.',
  input: z
    .strictObject({
      messages: z.array(chatMessageSchema).min(1).max(500),
      ...modelControls,
      ...stopControls,
      ...toolControls,
    })
    .superRefine((input, ctx) => {
      const problem = toolChoiceProblem(input);
      if (problem) ctx.addIssue({ code: 'custom', path: ['toolChoice'], message: problem });
    }),
  // budget_exhausted: a stream was cut off when its budget reservation was spent;
  // tool_calls: the model asks the client to run `toolCalls` and send their results back.
  result: z.object({
    ...llmResultFields,
    toolCalls: z.array(toolCallSchema).optional(),
    finishReason: z.enum(['stop', 'length', 'tool_calls', 'budget_exhausted']),
  }),
  options: roleOptions(),
  tools: ['calculator', 'current_time', 'json_query'],
});
