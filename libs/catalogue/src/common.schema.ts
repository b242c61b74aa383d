import { z } from 'zod';

/** Token usage and cost of the LLM calls behind a result. Money is integer micro-dollars. */
export const usageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  costMicros: z.number().int().nonnegative(),
});
export type Usage = z.infer<typeof usageSchema>;

export const chatMessageSchema = z.strictObject({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string().min(1).max(200_000),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

/** Fields every LLM-backed result carries. */
export const llmResultFields = {
  text: z.string(),
  usage: usageSchema,
  model: z.string(),
  provider: z.string(),
};

/** Optional model controls every role accepts. */
export const modelControls = {
  model: z.string().min(1).max(200).optional(),
  maxTokens: z.number().int().min(1).max(200_000).optional(),
  temperature: z.number().min(0).max(2).optional(),
};
