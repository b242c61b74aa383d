import { refreshThreshold } from './lancedb.store';

describe('LanceDB FTS refresh threshold', () => {
  it('indexes a new collection at once, then keeps unindexed rows under a tenth, capped', () => {
    expect(refreshThreshold(0, 2000)).toBe(1);
    expect(refreshThreshold(95, 2000)).toBe(10);
    expect(refreshThreshold(10_000, 2000)).toBe(1000);
    expect(refreshThreshold(1_000_000, 2000)).toBe(2000);
    expect(refreshThreshold(1_000_000, 1)).toBe(1);
  });
});
