import type { CallQuote } from './budget.types';

// Prices are micro-dollars per million tokens, so tokens × price is in millionths of a
// micro-dollar ("scaled"). Costs round up to whole micro-dollars: a budget never under-counts.
// Every value here is an integer held in a double. Doubles are exact up to 2^53; quotes are
// capped at MAX_SCALED = 2^52 so that products formed while checking a quotient (q·b ≤ a + b)
// stay exact too. 2^52 is 4.5e15: one million tokens at $4,500 per million, far above any price.
// The reserve script does the same arithmetic in Lua (doubles as well) and must agree.

export const SCALE = 1_000_000;
export const MAX_SCALED = 2 ** 52;

/** ⌊a / b⌋ for integers a, b > 0 below 2^52, corrected for the rounding of the division. */
export function floorDiv(a: number, b: number): number {
  let q = Math.floor(a / b);
  if (q * b > a) q -= 1;
  else if ((q + 1) * b <= a) q += 1;
  return q;
}

/** ⌈a / b⌉ for integers a ≥ 0, b > 0 below 2^52. */
export function ceilDiv(a: number, b: number): number {
  const q = floorDiv(a, b);
  return q * b < a ? q + 1 : q;
}

const isCount = (n: number) => Number.isSafeInteger(n) && n >= 0;

/** The scaled input cost and the worst case of a quote; throws when it cannot be exact. */
export function quoteCost(quote: CallQuote): { inputScaled: number; worstMicros: number } {
  const { inputTokens, maxTokens, prices } = quote;
  if (![inputTokens, maxTokens, prices.input, prices.output].every(isCount)) {
    throw new RangeError('budget quote: tokens and prices must be non-negative integers');
  }
  const inputScaled = inputTokens * prices.input;
  const worstScaled = inputScaled + maxTokens * prices.output;
  if (worstScaled > MAX_SCALED) {
    throw new RangeError(`budget quote: worst case ${worstScaled} is beyond exact arithmetic`);
  }
  return { inputScaled, worstMicros: ceilDiv(worstScaled, SCALE) };
}

export type Lowering =
  { ok: true; maxTokens: number; amountMicros: number } | { ok: false; neededMicros: number };

/**
 * What a call may reserve when `remainingMicros` is the least any hard pool has left: the
 * worst case if it fits; otherwise max tokens lowered to what is affordable; refused below
 * `floorTokens`. The reserve script runs exactly this; the unit tests pin it down.
 * Only when remaining < worst case is remaining scaled up, so remaining·1e6 < worst·1e6 ≤
 * 2^52 + 1e6 stays exact (a full pool's remaining, up to 2^53, scaled would not be).
 */
export function lowerToBudget(
  remainingMicros: number,
  quote: CallQuote,
  floorTokens: number,
): Lowering {
  const { inputScaled, worstMicros } = quoteCost(quote);
  if (remainingMicros >= worstMicros) {
    return { ok: true, maxTokens: quote.maxTokens, amountMicros: worstMicros };
  }
  const out = quote.prices.output;
  const floor = Math.min(floorTokens, quote.maxTokens);
  const spare = remainingMicros * SCALE - inputScaled;
  const affordable = out > 0 && spare >= 0 ? floorDiv(spare, out) : -1;
  if (affordable < floor) {
    return { ok: false, neededMicros: ceilDiv(inputScaled + floor * out, SCALE) };
  }
  return {
    ok: true,
    maxTokens: affordable,
    amountMicros: ceilDiv(inputScaled + affordable * out, SCALE),
  };
}

/** The spend at which threshold `percent` of `limitMicros` is reached: ⌈limit·t/100⌉. */
export function thresholdMicros(limitMicros: number, percent: number): number {
  // BigInt: limit·t can pass 2^53 for large limits.
  return Number((BigInt(limitMicros) * BigInt(percent) + 99n) / 100n);
}

/** Thresholds crossed by moving spend from `before` to `after` (each crossed exactly once). */
export function crossedThresholds(
  thresholds: readonly number[],
  limitMicros: number,
  before: number,
  after: number,
): number[] {
  return thresholds.filter((t) => {
    const level = thresholdMicros(limitMicros, t);
    return level > 0 && before < level && level <= after;
  });
}
