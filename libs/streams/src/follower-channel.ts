import type { StoredJobEvent } from './job-event.types';

/** Entries a slow follower may have waiting; beyond it the follower re-reads from Redis. */
const MAX_QUEUED = 1_000;

/**
 * The hand-off between the hub (which pushes entries as they arrive) and one follower (which
 * takes them at the pace of its client). Never blocks the hub: when the follower falls too far
 * behind, the queue is dropped and the follower catches up from its last id with XRANGE.
 */
export class FollowerChannel {
  private queue: StoredJobEvent[] = [];
  private overflowed = false;
  private closed = false;
  private wake: (() => void) | undefined;
  private readonly onClose = new Set<() => void>();
  private readonly onAbort = () => this.close();

  constructor(private readonly signal: AbortSignal) {
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  /** The follower should stop: its client left or the process is shutting down. */
  get done(): boolean {
    return this.closed || this.signal.aborted;
  }

  push(entry: StoredJobEvent): void {
    if (this.overflowed) return;
    if (this.queue.length >= MAX_QUEUED) {
      this.queue = [];
      this.overflowed = true;
    } else {
      this.queue.push(entry);
    }
    this.notify();
  }

  /** Everything queued so far; `overflowed` means some were dropped and a re-read is due. */
  take(): { entries: StoredJobEvent[]; overflowed: boolean } {
    const taken = { entries: this.queue, overflowed: this.overflowed };
    this.queue = [];
    this.overflowed = false;
    return taken;
  }

  /** Resolves when something is queued or the follower is done. */
  wait(): Promise<void> {
    if (this.queue.length > 0 || this.overflowed || this.done) return Promise.resolve();
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  /** Waits `ms`, or less if the follower is done meanwhile (not when entries arrive). */
  pause(ms: number): Promise<void> {
    if (this.done) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.onClose.delete(finish);
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.onClose.add(finish);
    });
  }

  close(): void {
    this.closed = true;
    this.notify();
    for (const finish of [...this.onClose]) finish();
  }

  dispose(): void {
    this.signal.removeEventListener('abort', this.onAbort);
    this.queue = [];
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
