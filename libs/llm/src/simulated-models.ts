import type { Tier } from '@switchboard/catalogue';

/** Prices in micro-dollars per million tokens. Deterministic, for development and benchmarks. */
export interface SimulatedModel {
  id: string;
  inputMicrosPerMTok: number;
  outputMicrosPerMTok: number;
}

export const SIMULATED_MODELS: Record<Tier, SimulatedModel> = {
  0: { id: 'simulated-local', inputMicrosPerMTok: 0, outputMicrosPerMTok: 0 },
  1: { id: 'simulated-economy', inputMicrosPerMTok: 100_000, outputMicrosPerMTok: 400_000 },
  2: { id: 'simulated-standard', inputMicrosPerMTok: 1_000_000, outputMicrosPerMTok: 4_000_000 },
  3: { id: 'simulated-premium', inputMicrosPerMTok: 5_000_000, outputMicrosPerMTok: 20_000_000 },
};

/** Integer micro-dollars, rounded up so a call is never free by rounding. */
export function costMicros(
  model: SimulatedModel,
  inputTokens: number,
  outputTokens: number,
): number {
  const total = inputTokens * model.inputMicrosPerMTok + outputTokens * model.outputMicrosPerMTok;
  return Math.ceil(total / 1_000_000);
}
