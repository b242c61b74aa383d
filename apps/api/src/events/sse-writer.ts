import type { JobEvent } from '@switchboard/streams';
import type { Response } from 'express';
import { once } from 'node:events';
import { trackSseConnection } from '../metrics/http.metrics';

/** How soon an EventSource should reconnect after a drop (the SSE `retry:` field). */
const RECONNECT_HINT_MS = 1_000;
/** How soon after a drain's `reconnect` event: the other colour is already taking traffic. */
const DRAIN_RECONNECT_MS = 100;

/**
 * Server-sent events over one Express response: headers that keep proxies from buffering,
 * events with their stream id, comment heartbeats while nothing happens, and backpressure
 * (a slow client is waited for, not buffered without bound).
 */
export class SseWriter {
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly res: Response,
    private readonly heartbeatMs: number,
  ) {}

  get closed(): boolean {
    return this.res.writableEnded || this.res.destroyed;
  }

  open(): void {
    this.res.status(200);
    this.res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    this.res.setHeader('Cache-Control', 'no-cache, no-transform');
    this.res.setHeader('Connection', 'keep-alive');
    this.res.setHeader('X-Accel-Buffering', 'no');
    this.res.flushHeaders();
    trackSseConnection(this.res, 'job_events');
    this.res.write(`retry: ${RECONNECT_HINT_MS}\n\n`);
    this.heartbeat = setInterval(() => {
      if (!this.closed) this.res.write(': ping\n\n');
    }, this.heartbeatMs);
  }

  /** One event; `id` is omitted for events synthesized from the job record. */
  async event(event: JobEvent, id?: string): Promise<void> {
    const head = id ? `id: ${id}\n` : '';
    await this.write(`${head}event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  }

  /**
   * The last thing a draining instance sends on an open stream: a short `retry:` and a
   * `reconnect` event without an id, so an EventSource reconnects at once with the
   * Last-Event-ID it already has and resumes, on whichever instance takes traffic now.
   */
  async reconnect(reason: string): Promise<void> {
    const data = JSON.stringify({ type: 'reconnect', reason, retryMs: DRAIN_RECONNECT_MS });
    await this.write(`retry: ${DRAIN_RECONNECT_MS}\nevent: reconnect\ndata: ${data}\n\n`);
  }

  close(): void {
    clearInterval(this.heartbeat);
    if (!this.closed) this.res.end();
  }

  private async write(chunk: string): Promise<void> {
    if (this.closed) return;
    if (this.res.write(chunk)) return;
    await Promise.race([once(this.res, 'drain'), once(this.res, 'close')]);
  }
}
