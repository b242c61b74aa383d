import { RingBuffer } from './ring-buffer';

describe('RingBuffer', () => {
  it('hands items back oldest first, in batches', () => {
    const ring = new RingBuffer<number>(10);
    for (let i = 1; i <= 5; i++) expect(ring.push(i)).toBe(false);
    expect(ring.take(2)).toEqual([1, 2]);
    expect(ring.take(10)).toEqual([3, 4, 5]);
    expect(ring.length).toBe(0);
    expect(ring.take(3)).toEqual([]);
  });

  it('drops the oldest item when full, and keeps working across the wrap', () => {
    const ring = new RingBuffer<number>(3);
    [1, 2, 3].forEach((i) => ring.push(i));
    expect(ring.push(4)).toBe(true);
    expect(ring.push(5)).toBe(true);
    expect(ring.length).toBe(3);
    expect(ring.take(1)).toEqual([3]);
    expect(ring.push(6)).toBe(false);
    expect(ring.take(5)).toEqual([4, 5, 6]);
    [7, 8].forEach((i) => ring.push(i));
    expect(ring.take(5)).toEqual([7, 8]);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
    expect(() => new RingBuffer(1.5)).toThrow(RangeError);
  });
});
