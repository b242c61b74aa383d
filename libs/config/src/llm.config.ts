import { z } from 'zod';
import { booleanFromEnv, intFromEnv, type Env } from './env';

export const llmSchema = z.object({
  LLM_ALLOW_SIMULATED: booleanFromEnv.optional(),
  LLM_SIMULATED_LATENCY_MS: intFromEnv(0, 600_000).default(200),
  LLM_SIMULATED_TOKENS_PER_SECOND: intFromEnv(1, 1_000_000).default(200),
});

export interface LlmConfig {
  /** The simulated provider gives deterministic text; production refuses it unless allowed. */
  allowSimulated: boolean;
  simulatedLatencyMs: number;
  simulatedTokensPerSecond: number;
}

export function llmConfig(env: Env): LlmConfig {
  const v = llmSchema.parse(env);
  return {
    allowSimulated: v.LLM_ALLOW_SIMULATED ?? env.NODE_ENV !== 'production',
    simulatedLatencyMs: v.LLM_SIMULATED_LATENCY_MS,
    simulatedTokensPerSecond: v.LLM_SIMULATED_TOKENS_PER_SECOND,
  };
}
