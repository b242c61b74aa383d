import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import type { JobStatus } from '@switchboard/catalogue';
import { Config } from '@switchboard/config';
import { REDIS_CLIENT } from '@switchboard/redis';
import type Redis from 'ioredis';
import { encodeJobEvent } from './job-event.codec';
import type { JobEvent } from './job-event.types';
import { jobEventsKey } from './stream-id';
import { throttledWarn } from './throttled-warn';

/** Buffered text beyond this is written at once, so one window never makes a huge entry. */
const MAX_PENDING_CHARS = 16_384;
/** A write that takes longer is given up on (the job goes on); Redis may still store it. */
const WRITE_TIMEOUT_MS = 2_000;

interface PendingTokens {
  text: string;
  timer: NodeJS.Timeout;
}

/**
 * Writes a job's events to its Redis Stream. Publishing is best effort: a failure is logged and
 * swallowed, never thrown into the job. Order holds because every write for a job goes through
 * the one command connection in call order, and buffered tokens are written before anything else.
 */
@Injectable()
export class JobEventsPublisher implements BeforeApplicationShutdown {
  private readonly logger = new Logger(JobEventsPublisher.name);
  private readonly pending = new Map<string, PendingTokens>();
  private readonly warn = throttledWarn(this.logger);

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly config: Config,
  ) {}

  /** Appends one event (after the job's buffered tokens); resolves to its entry id, '' on failure. */
  publish(jobId: string, event: JobEvent): Promise<string> {
    void this.flushNow(jobId);
    return this.add(jobId, event);
  }

  /**
   * A token delta. The first one of a burst is written at once (the client's time to first
   * token pays no window); the ones that follow within the coalescing window are buffered
   * and written together, one `token` event per window while the model keeps writing.
   */
  token(jobId: string, text: string): void {
    if (text.length === 0) return;
    const window = this.config.streams.coalesceMs;
    const pending = this.pending.get(jobId);
    if (pending) {
      pending.text += text;
      if (pending.text.length >= MAX_PENDING_CHARS) void this.flushNow(jobId);
      return;
    }
    void this.add(jobId, { type: 'token', text });
    if (window <= 0) return;
    const timer = setInterval(() => this.windowEnds(jobId), window);
    // A pending flush must not keep a draining process alive; shutdown flushes explicitly.
    timer.unref();
    this.pending.set(jobId, { text: '', timer });
  }

  /** Writes what the window gathered; a window that gathered nothing closes. */
  private windowEnds(jobId: string): void {
    const pending = this.pending.get(jobId);
    if (!pending) return;
    if (pending.text.length === 0) {
      clearInterval(pending.timer);
      this.pending.delete(jobId);
      return;
    }
    const text = pending.text;
    pending.text = '';
    void this.add(jobId, { type: 'token', text });
  }

  /** Writes the job's buffered tokens now; resolves once they are stored (or failed). */
  async flush(jobId: string): Promise<void> {
    await this.flushNow(jobId);
  }

  /** The last event: flushes, writes `end` and lets the stream expire after the retention. */
  async end(jobId: string, status: JobStatus): Promise<void> {
    void this.flushNow(jobId);
    const key = jobEventsKey(this.config.redis.prefix, jobId);
    const { maxEvents, retentionMs } = this.config.streams;
    const write = this.redis
      .multi()
      .xadd(key, 'MAXLEN', '~', maxEvents, '*', ...encodeJobEvent({ type: 'end', status }))
      .pexpire(key, retentionMs)
      .exec();
    try {
      await bounded(write);
    } catch (error) {
      this.failed(jobId, 'end', error);
    }
  }

  /** Buffered tokens are written while the Redis connection is still open. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.pending.keys()].map((jobId) => this.flushNow(jobId)));
  }

  /** Issues the buffered tokens' XADD synchronously (so later writes queue behind it). */
  private async flushNow(jobId: string): Promise<void> {
    const pending = this.pending.get(jobId);
    if (!pending) return;
    clearInterval(pending.timer);
    this.pending.delete(jobId);
    if (pending.text.length > 0) await this.add(jobId, { type: 'token', text: pending.text });
  }

  private async add(jobId: string, event: JobEvent): Promise<string> {
    const key = jobEventsKey(this.config.redis.prefix, jobId);
    const write = this.redis.xadd(
      key,
      'MAXLEN',
      '~',
      this.config.streams.maxEvents,
      '*',
      ...encodeJobEvent(event),
    );
    try {
      return (await bounded(write)) ?? '';
    } catch (error) {
      this.failed(jobId, event.type, error);
      return '';
    }
  }

  private failed(jobId: string, type: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.warn(`Job ${jobId}: '${type}' event not stored: ${message}`);
  }
}

/** Waits for a Redis write at most WRITE_TIMEOUT_MS: a hung connection must not hang a job. */
function bounded<T>(write: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('Redis write timed out')), WRITE_TIMEOUT_MS);
    timer.unref();
  });
  // The losing write may still settle later; its outcome no longer matters.
  write.catch(() => undefined);
  return Promise.race([write, timeout]).finally(() => clearTimeout(timer));
}
