import { Injectable, Logger } from '@nestjs/common';

/**
 * Whether this API instance is draining (SIGTERM/SIGINT during a deploy): readiness answers
 * 503 `draining`, responses close their connection so nothing new is sent on it, and open
 * event streams end with a reconnect hint instead of just stopping.
 */
@Injectable()
export class DrainState {
  private readonly logger = new Logger('Drain');
  private since: number | undefined;

  get draining(): boolean {
    return this.since !== undefined;
  }

  begin(reason: string): void {
    if (this.since !== undefined) return;
    this.since = Date.now();
    this.logger.log(`${reason}: draining (readiness 503, streams end with a reconnect hint)`);
  }

  /**
   * Flips to draining on the first shutdown signal. Called before Nest's own shutdown hooks
   * are registered, so the flag is set before any module starts closing.
   */
  listenForSignals(signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): void {
    for (const signal of signals) process.once(signal, () => this.begin(signal));
  }
}
