import type { ProviderUsage } from '../providers/provider.types';
import type { ModelPrices } from './model-catalogue';

/**
 * Integer micro-dollars for one call: uncached input, cached input and output at their
 * prices per million tokens, rounded up once so a call that served tokens is never free.
 */
export function callCostMicros(prices: ModelPrices | null, usage: ProviderUsage): number {
  if (!prices) return 0;
  const cached = Math.min(usage.cachedInputTokens, usage.inputTokens);
  const total =
    (usage.inputTokens - cached) * prices.input +
    cached * prices.cachedInput +
    usage.outputTokens * prices.output;
  return Math.ceil(total / 1_000_000);
}
