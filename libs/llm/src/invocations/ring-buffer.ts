/**
 * A bounded FIFO. `push` is O(1) and, once full, overwrites the oldest item, so a producer that
 * outruns its consumer (a database outage) costs a fixed amount of memory, never more.
 */
export class RingBuffer<T> {
  // Grows by appending up to `capacity`, then wraps; never holds more than `capacity` slots.
  private readonly items: (T | undefined)[] = [];
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`RingBuffer capacity must be a positive integer, got ${capacity}`);
    }
  }

  get length(): number {
    return this.count;
  }

  /** Adds at the end; returns true when that pushed the oldest item out. */
  push(item: T): boolean {
    if (this.count < this.capacity) {
      this.items[(this.head + this.count) % this.capacity] = item;
      this.count++;
      return false;
    }
    this.items[this.head] = item;
    this.head = (this.head + 1) % this.capacity;
    return true;
  }

  /** Removes and returns up to `max` of the oldest items, oldest first. */
  take(max: number): T[] {
    const n = Math.min(max, this.count);
    const out = new Array<T>(n);
    for (let i = 0; i < n; i++) {
      out[i] = this.items[this.head] as T;
      this.items[this.head] = undefined; // let the row be collected once written
      this.head = (this.head + 1) % this.capacity;
    }
    this.count -= n;
    if (this.count === 0) this.head = 0;
    return out;
  }
}
