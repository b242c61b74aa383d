/** Exponentially weighted moving average of each model's recent latency, for `fastest`. */
export class LatencyTracker {
  private readonly ewma = new Map<string, number>();

  constructor(private readonly alpha = 0.2) {}

  observe(modelKey: string, ms: number): void {
    const previous = this.ewma.get(modelKey);
    this.ewma.set(modelKey, previous === undefined ? ms : previous + this.alpha * (ms - previous));
  }

  /** Unmeasured models read as 0, so they are tried (and measured) first. */
  get(modelKey: string): number {
    return this.ewma.get(modelKey) ?? 0;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.ewma].map(([k, v]) => [k, Math.round(v)]));
  }
}
