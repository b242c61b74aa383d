import { canonicalJson } from './canonical-json';

/**
 * Spots a model repeating itself: the same tool with the same (canonical) arguments `limit`
 * times in one run is a loop, and is not run. The first loop is told to the model; at the
 * second the run stops.
 */
export class LoopGuard {
  private readonly counts = new Map<string, number>();
  private strikes = 0;

  constructor(private readonly limit: number) {}

  /** Counts the call; `repeat` when it is a loop (then `stop` when the run should end). */
  see(
    name: string,
    args: unknown,
  ): { repeat: false } | { repeat: true; count: number; stop: boolean } {
    const key = `${name}\u0000${typeof args === 'string' ? args : canonicalJson(args)}`;
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    if (count < this.limit) return { repeat: false };
    this.strikes++;
    return { repeat: true, count, stop: this.strikes > 1 };
  }
}
