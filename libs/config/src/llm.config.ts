import { z } from 'zod';
import { booleanFromEnv, intFromEnv, type Env } from './env';

const ratio = z.coerce.number().min(0.01).max(1);

export const llmSchema = z.object({
  LLM_ALLOW_SIMULATED: booleanFromEnv.optional(),
  LLM_SIMULATED_LATENCY_MS: intFromEnv(0, 600_000).default(200),
  LLM_SIMULATED_TOKENS_PER_SECOND: intFromEnv(1, 1_000_000).default(200),
  LLM_CATALOGUE_FILE: z.string().min(1).optional(),
  LLM_SECRETS_FILE: z.string().min(1).optional(),
  LLM_ALLOW_UNPRICED: booleanFromEnv.default(false),
  LLM_LOG_PROMPTS: booleanFromEnv.default(false),
  LLM_DEFAULT_MAX_TOKENS: intFromEnv(1, 200_000).default(1024),
  LLM_REQUEST_TIMEOUT_MS: intFromEnv(100, 3_600_000).default(60_000),
  LLM_BREAKER_FAILURES: intFromEnv(1, 1000).default(3),
  LLM_BREAKER_FAILURE_RATE: ratio.default(0.5),
  LLM_BREAKER_MIN_CALLS: intFromEnv(1, 100_000).default(10),
  LLM_BREAKER_WINDOW_MS: intFromEnv(1000, 3_600_000).default(60_000),
  LLM_BREAKER_COOLDOWN_MS: intFromEnv(10, 3_600_000).default(30_000),
  LLM_RATE_LIMIT_COOLDOWN_MS: intFromEnv(10, 3_600_000).default(5_000),
  LLM_GATE_CACHE_MS: intFromEnv(0, 10_000).default(50),
  LLM_HEALTH_INTERVAL_MS: intFromEnv(500, 3_600_000).default(30_000),
  LLM_INVOCATION_FLUSH_MS: intFromEnv(10, 60_000).default(250),
  LLM_INVOCATION_BATCH_SIZE: intFromEnv(1, 10_000).default(500),
  LLM_ROLLUP_INTERVAL_MS: intFromEnv(1000, 86_400_000).default(300_000),
  LLM_INVOCATION_LOG: z.enum(['durable', 'memory']).default('durable'),
  LLM_INVOCATION_CLAIM_IDLE_MS: intFromEnv(500, 3_600_000).default(30_000),
  LLM_JOURNAL_TTL_MS: intFromEnv(60_000, 90 * 86_400_000).default(7 * 86_400_000),
});

export interface CircuitBreakerConfig {
  /** Consecutive failures that open the circuit. */
  failures: number;
  /** Failure rate over the window that opens it, once `minCalls` calls were seen. */
  failureRate: number;
  minCalls: number;
  windowMs: number;
  /** How long an open circuit waits before letting one probe call through. */
  cooldownMs: number;
}

export interface LlmConfig {
  /** The simulated provider gives deterministic text; production refuses it unless allowed. */
  allowSimulated: boolean;
  simulatedLatencyMs: number;
  simulatedTokensPerSecond: number;
  /** The model catalogue (JSON); without it, the built-in simulated catalogue. */
  catalogueFile?: string;
  /** JSON object of provider name → API key, instead of (or besides) `apiKeyEnv`. */
  secretsFile?: string;
  /** Models without prices are refused unless this is set (they then cost 0). */
  allowUnpriced: boolean;
  /** Store each call's messages in the invocation log (off: rows stay slim). */
  logPrompts: boolean;
  defaultMaxTokens: number;
  /** Per attempt: time to the response, and for streams the longest gap between chunks. */
  requestTimeoutMs: number;
  breaker: CircuitBreakerConfig;
  /** A 429 without Retry-After cools its provider down for this long. */
  rateLimitCooldownMs: number;
  /**
   * How long a process trusts a `closed` answer from the shared gate before asking Redis
   * again; 0 asks before every call. A circuit opened elsewhere is seen this much later.
   */
  gateCacheMs: number;
  healthIntervalMs: number;
  invocationFlushMs: number;
  invocationBatchSize: number;
  rollupIntervalMs: number;
  /**
   * `durable`: each call's row is appended to a Redis Stream in the same script as its budget
   * settlement, and every call is registered when it reserves, so a killed process loses no
   * row (its unfinished calls are logged `lost`); any live process drains the stream into
   * Postgres. `memory`: rows wait in the process's batch (lost if it is killed).
   */
  invocationLog: 'durable' | 'memory';
  /** Stream entries a drainer took but did not write for this long are taken over by another. */
  invocationClaimIdleMs: number;
  /** How long a job's journal of answered LLM calls is kept for a re-run to reuse. */
  journalTtlMs: number;
}

export function llmConfig(env: Env): LlmConfig {
  const v = llmSchema.parse(env);
  return {
    allowSimulated: v.LLM_ALLOW_SIMULATED ?? env.NODE_ENV !== 'production',
    simulatedLatencyMs: v.LLM_SIMULATED_LATENCY_MS,
    simulatedTokensPerSecond: v.LLM_SIMULATED_TOKENS_PER_SECOND,
    catalogueFile: v.LLM_CATALOGUE_FILE,
    secretsFile: v.LLM_SECRETS_FILE,
    allowUnpriced: v.LLM_ALLOW_UNPRICED,
    logPrompts: v.LLM_LOG_PROMPTS,
    defaultMaxTokens: v.LLM_DEFAULT_MAX_TOKENS,
    requestTimeoutMs: v.LLM_REQUEST_TIMEOUT_MS,
    breaker: {
      failures: v.LLM_BREAKER_FAILURES,
      failureRate: v.LLM_BREAKER_FAILURE_RATE,
      minCalls: v.LLM_BREAKER_MIN_CALLS,
      windowMs: v.LLM_BREAKER_WINDOW_MS,
      cooldownMs: v.LLM_BREAKER_COOLDOWN_MS,
    },
    rateLimitCooldownMs: v.LLM_RATE_LIMIT_COOLDOWN_MS,
    gateCacheMs: v.LLM_GATE_CACHE_MS,
    healthIntervalMs: v.LLM_HEALTH_INTERVAL_MS,
    invocationFlushMs: v.LLM_INVOCATION_FLUSH_MS,
    invocationBatchSize: v.LLM_INVOCATION_BATCH_SIZE,
    rollupIntervalMs: v.LLM_ROLLUP_INTERVAL_MS,
    invocationLog: v.LLM_INVOCATION_LOG,
    invocationClaimIdleMs: v.LLM_INVOCATION_CLAIM_IDLE_MS,
    journalTtlMs: v.LLM_JOURNAL_TTL_MS,
  };
}
