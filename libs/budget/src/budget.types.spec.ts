import { microsToDollars } from './budget.types';

describe('microsToDollars', () => {
  it('writes integer micro-dollars as exact decimal dollars', () => {
    expect(microsToDollars(1_234_567)).toBe('1.234567');
    expect(microsToDollars(5)).toBe('0.000005');
    expect(microsToDollars(0)).toBe('0.000000');
    expect(microsToDollars(9_007_199_254_740_991)).toBe('9007199254.740991');
  });

  it('keeps the sign of a negative amount (a correction) in front', () => {
    expect(microsToDollars(-1_500_000)).toBe('-1.500000');
    expect(microsToDollars(-7)).toBe('-0.000007');
  });
});
