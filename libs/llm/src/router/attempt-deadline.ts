import { ProviderError } from '../providers/provider-error';

/**
 * The abort signal of one attempt: fires with the job's own reason when the job is cancelled
 * or times out, or with a `timeout` ProviderError when the provider is too slow. For streams
 * `touch()` restarts the clock at each chunk, so the deadline bounds the gap between chunks.
 */
export class AttemptDeadline {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private readonly onJobAbort = () => this.controller.abort(this.jobSignal?.reason);

  constructor(
    private readonly provider: string,
    private readonly timeoutMs: number,
    private readonly jobSignal?: AbortSignal,
  ) {
    if (jobSignal?.aborted) this.controller.abort(jobSignal.reason);
    else jobSignal?.addEventListener('abort', this.onJobAbort, { once: true });
    this.touch();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True when the job itself was aborted (cancel, job timeout, shutdown): no failover. */
  get jobAborted(): boolean {
    return this.jobSignal?.aborted === true;
  }

  touch(): void {
    if (this.timer) {
      this.timer.refresh();
      return;
    }
    this.timer = setTimeout(() => {
      this.controller.abort(
        new ProviderError('timeout', this.provider, `no response within ${this.timeoutMs} ms`),
      );
    }, this.timeoutMs);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.jobSignal?.removeEventListener('abort', this.onJobAbort);
  }
}
