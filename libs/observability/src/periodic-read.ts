import type { Logger } from '@nestjs/common';

/**
 * A metrics read on a timer (never per scrape or per request): one read at a time, a failing
 * one warned about at most once a minute, the timer never holding the process open.
 */
export class PeriodicRead {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private lastWarning = 0;

  constructor(
    private readonly what: string,
    private readonly everyMs: number,
    private readonly read: () => Promise<void>,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  start(): void {
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.everyMs);
    this.timer.unref();
  }

  /** Stops the timer; a read in flight ends on its own. */
  stop(): void {
    clearInterval(this.timer);
  }

  /** One read; a read still running is not doubled. Never rejects. */
  refresh(): Promise<void> {
    this.running ??= this.guarded().finally(() => (this.running = undefined));
    return this.running;
  }

  private async guarded(): Promise<void> {
    try {
      await this.read();
    } catch (error) {
      const now = Date.now();
      if (now - this.lastWarning < 60_000) return;
      this.lastWarning = now;
      this.logger.warn(`could not read ${this.what}: ${(error as Error).message}`);
    }
  }
}
