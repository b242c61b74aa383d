import type { FakeStats } from './fake-provider.types';

const zero = (): FakeStats => ({
  requests: 0,
  chatRequests: 0,
  embedRequests: 0,
  rerankRequests: 0,
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: 0,
  aborted: 0,
});

interface AbortWaiter {
  n: number;
  resolve: () => void;
}

/** The fake's counters, one live object, and the waiters on its abort count. */
export class FakeStatsTracker {
  readonly stats: FakeStats = zero();
  private waiters: AbortWaiter[] = [];

  /** Input is counted once the fake starts a 200 answer. */
  countInput(inputTokens: number, cachedInputTokens: number): void {
    this.stats.inputTokens += inputTokens;
    this.stats.cachedInputTokens += cachedInputTokens;
  }

  countAbort(): void {
    this.stats.aborted++;
    this.waiters = this.waiters.filter((waiter) => {
      if (this.stats.aborted < waiter.n) return true;
      waiter.resolve();
      return false;
    });
  }

  waitForAborts(n: number, timeoutMs: number): Promise<void> {
    if (this.stats.aborted >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(
          new Error(`fake provider saw ${this.stats.aborted} aborts, not ${n}, in ${timeoutMs} ms`),
        );
      }, timeoutMs);
      const waiter: AbortWaiter = {
        n,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Zeroes the counters in place, so references to `stats` stay live. */
  reset(): void {
    Object.assign(this.stats, zero());
  }
}

/** One chat or embed request as the fake served it: the per-call ground truth. */
export interface FakeCall {
  /** The last message's text (chat) or the first input (embed). */
  prompt: string;
  /** Input tokens counted once a 200 answer started (0 for a refused or hung request). */
  inputTokens: number;
  /** Content tokens written to the socket. */
  outputTokens: number;
  /** The whole answer (every token and the closing events) was written. */
  completed: boolean;
  /** The client went away before the response was complete. */
  aborted: boolean;
}

/** What one answer counts: into the server's totals and into its own call. */
export class CallTracker {
  constructor(
    readonly total: FakeStatsTracker,
    readonly call: FakeCall,
  ) {}

  countInput(inputTokens: number, cachedInputTokens: number): void {
    this.total.countInput(inputTokens, cachedInputTokens);
    this.call.inputTokens += inputTokens;
  }

  countOutput(tokens = 1): void {
    this.total.stats.outputTokens += tokens;
    this.call.outputTokens += tokens;
  }
}
