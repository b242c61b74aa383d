import { z } from 'zod';
import { tenantPatternProblem } from './tenant-pattern';

/** Token usage and cost of the LLM calls behind a result. Money is integer micro-dollars. */
export const usageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  costMicros: z.number().int().nonnegative(),
});
export type Usage = z.infer<typeof usageSchema>;

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

/**
 * Early termination: the stream ends, and the provider request is aborted, as soon as one
 * matches; nothing after it is shown or paid for beyond what the provider had already sent.
 */
export const stopControls = {
  /** Literal stop strings (as OpenAI's `stop`); the text ends before the first one. */
  stop: z
    .union([z.string().min(1).max(200), z.array(z.string().min(1).max(200)).min(1).max(8)])
    .optional(),
  /**
   * A regular expression in RE2 syntax (JavaScript's without lookaround and backreferences),
   * matched in linear time; the text ends before its first match.
   */
  stopRegex: z
    .string()
    .min(1)
    .max(500)
    .superRefine((pattern, ctx) => {
      const problem = tenantPatternProblem(pattern);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  /** End right after the code fence that closes the first code block. */
  stopAtClosingCodeFence: z.boolean().optional(),
};
