import {
  MAX_SCALED,
  ceilDiv,
  crossedThresholds,
  floorDiv,
  lowerToBudget,
  quoteCost,
  thresholdMicros,
} from './budget-math';
import type { CallQuote } from './budget.types';

// $3 per million input tokens, $15 per million output tokens, in micro-dollars per million.
const PRICES = { input: 3_000_000, output: 15_000_000, cachedInput: 300_000 };
const quote = (inputTokens: number, maxTokens: number, prices = PRICES): CallQuote => ({
  inputTokens,
  maxTokens,
  prices,
});

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function* numbers(seed: number): Generator<number, never> {
  let x = seed;
  for (;;) {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    yield x / 2_147_483_648;
  }
}

describe('budget arithmetic', () => {
  it('divides exactly where a double division rounds the wrong way', () => {
    const random = numbers(7);
    for (let i = 0; i < 5000; i++) {
      const b = 1 + Math.floor(random.next().value * 2 ** 30);
      const a = Math.floor(random.next().value * MAX_SCALED);
      expect(floorDiv(a, b)).toBe(Number(BigInt(a) / BigInt(b)));
      expect(ceilDiv(a, b)).toBe(Number((BigInt(a) + BigInt(b) - 1n) / BigInt(b)));
    }
    // (2^52 - 1) / (2^52 - 2) is a hair above 1; a / b exactly b·k - 1 sits just below k.
    expect(floorDiv(MAX_SCALED - 1, MAX_SCALED - 2)).toBe(1);
    const b = 999_999_937;
    const k = Math.floor((MAX_SCALED - 1) / b);
    expect(floorDiv(b * k - 1, b)).toBe(k - 1);
    expect(ceilDiv(b * k - 1, b)).toBe(k);
    expect(ceilDiv(0, 5)).toBe(0);
  });

  it('prices a quote at its worst case, rounded up to a micro-dollar', () => {
    expect(quoteCost(quote(1000, 1000))).toEqual({ inputScaled: 3e9, worstMicros: 18_000 });
    expect(quoteCost(quote(1, 1))).toEqual({ inputScaled: 3e6, worstMicros: 18 });
    expect(quoteCost(quote(1, 0, { input: 1, output: 1, cachedInput: 0 })).worstMicros).toBe(1);
    expect(quoteCost(quote(500, 500, { input: 0, output: 0, cachedInput: 0 })).worstMicros).toBe(0);
  });

  it('refuses quotes it cannot price exactly', () => {
    expect(() => quoteCost(quote(1.5, 10))).toThrow(RangeError);
    expect(() => quoteCost(quote(-1, 10))).toThrow(RangeError);
    expect(() => quoteCost(quote(10, 10, { ...PRICES, output: NaN }))).toThrow(RangeError);
    // 2^52 scaled is the ceiling: 1e6 tokens at $4,504 per million is over it.
    expect(() => quoteCost(quote(0, 1_000_000, { ...PRICES, output: 4_504_000_000 }))).toThrow(
      /beyond exact/,
    );
    expect(quoteCost(quote(0, 1_000_000, { ...PRICES, output: 4_503_000_000 })).worstMicros).toBe(
      4_503_000_000,
    );
  });

  describe('lowerToBudget', () => {
    it('keeps the worst case when it fits', () => {
      expect(lowerToBudget(18_000, quote(1000, 1000), 16)).toEqual({
        ok: true,
        maxTokens: 1000,
        amountMicros: 18_000,
      });
    });

    it('lowers max tokens to what the remaining budget pays for', () => {
      // 10,000 left − 3,000 input = 7,000 µ$ of output at 15 µ$ per token: 466 tokens.
      expect(lowerToBudget(10_000, quote(1000, 1000), 16)).toEqual({
        ok: true,
        maxTokens: 466,
        amountMicros: 9_990,
      });
      // Exactly the floor is still a call.
      expect(lowerToBudget(3_240, quote(1000, 1000), 16)).toEqual({
        ok: true,
        maxTokens: 16,
        amountMicros: 3_240,
      });
    });

    it('refuses below the floor, saying what the floor would cost', () => {
      expect(lowerToBudget(3_239, quote(1000, 1000), 16)).toEqual({
        ok: false,
        neededMicros: 3_240,
      });
      expect(lowerToBudget(2_999, quote(1000, 1000), 16)).toEqual({
        ok: false,
        neededMicros: 3_240,
      });
      expect(lowerToBudget(-50, quote(1000, 1000), 16)).toEqual({
        ok: false,
        neededMicros: 3_240,
      });
    });

    it('never raises a request below the floor to the floor', () => {
      // 8 tokens asked, floor 16: the floor is the request itself.
      expect(lowerToBudget(3_119, quote(1000, 8), 16)).toEqual({ ok: false, neededMicros: 3_120 });
      expect(lowerToBudget(3_120, quote(1000, 8), 16)).toMatchObject({ ok: true, maxTokens: 8 });
    });

    it('refuses a free-output call only when its input does not fit', () => {
      const prices = { input: 3_000_000, output: 0, cachedInput: 0 };
      expect(lowerToBudget(2_999, quote(1000, 1000, prices), 16)).toEqual({
        ok: false,
        neededMicros: 3_000,
      });
      expect(lowerToBudget(3_000, quote(1000, 1000, prices), 16)).toMatchObject({ ok: true });
    });

    it('always reserves within the remaining budget, and one more token would not fit', () => {
      const random = numbers(42);
      const r = (): number => random.next().value;
      for (let i = 0; i < 5000; i++) {
        const prices = {
          input: Math.floor(r() * 200_000_000),
          output: 1 + Math.floor(r() * 600_000_000),
          cachedInput: 0,
        };
        const q = quote(Math.floor(r() * 200_000), 1 + Math.floor(r() * 100_000), prices);
        const { worstMicros } = quoteCost(q);
        const remaining = Math.floor(r() * worstMicros * 1.2);
        const result = lowerToBudget(remaining, q, 16);
        if (!result.ok) {
          expect(remaining).toBeLessThan(result.neededMicros);
          continue;
        }
        expect(result.amountMicros).toBeLessThanOrEqual(remaining);
        expect(result.amountMicros).toBe(
          quoteCost({ ...q, maxTokens: result.maxTokens }).worstMicros,
        );
        if (result.maxTokens < q.maxTokens) {
          const next =
            BigInt(q.inputTokens) * BigInt(prices.input) +
            BigInt(result.maxTokens + 1) * BigInt(prices.output);
          expect(next > BigInt(remaining) * 1_000_000n).toBe(true);
        }
      }
    });
  });

  describe('thresholds', () => {
    it('reaches t % at ⌈limit · t / 100⌉, exactly even past 2^53', () => {
      expect(thresholdMicros(1000, 80)).toBe(800);
      expect(thresholdMicros(333, 80)).toBe(267);
      expect(thresholdMicros(Number.MAX_SAFE_INTEGER, 100)).toBe(Number.MAX_SAFE_INTEGER);
      expect(thresholdMicros(Number.MAX_SAFE_INTEGER, 50)).toBe(4_503_599_627_370_496);
    });

    it('reports each threshold to the one move that crosses it', () => {
      const t = [80, 90, 95, 100];
      expect(crossedThresholds(t, 1000, 799, 901)).toEqual([80, 90]);
      expect(crossedThresholds(t, 1000, 800, 901)).toEqual([90]);
      expect(crossedThresholds(t, 1000, 901, 949)).toEqual([]);
      expect(crossedThresholds(t, 1000, 949, 5000)).toEqual([95, 100]);
      expect(crossedThresholds(t, 1000, 1000, 5000)).toEqual([]);
      // A zero limit has nothing to alert about.
      expect(crossedThresholds(t, 0, 0, 10)).toEqual([]);
    });
  });
});
