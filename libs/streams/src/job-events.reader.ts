import { Inject, Injectable, Logger } from '@nestjs/common';
import { Config } from '@switchboard/config';
import { REDIS_CLIENT } from '@switchboard/redis';
import type Redis from 'ioredis';
import { FollowerChannel } from './follower-channel';
import { decodeJobEvent } from './job-event.codec';
import type { StoredJobEvent } from './job-event.types';
import { JobEventsHub } from './job-events.hub';
import { STREAM_START, compareStreamIds, jobEventsKey } from './stream-id';
import { throttledWarn } from './throttled-warn';

const CATCH_UP_PAGE = 500;
const RETRY_MS = 1_000;

interface Page {
  events: StoredJobEvent[];
  /** The id of the page's last raw entry, decodable or not: the next page starts after it. */
  lastId: string | undefined;
  size: number;
}

/** Reads a job's event stream: a page at a time, or followed live until its `end` event. */
@Injectable()
export class JobEventsReader {
  private readonly warn = throttledWarn(new Logger(JobEventsReader.name));

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly config: Config,
    private readonly hub: JobEventsHub,
  ) {}

  /** Events after `afterId` (exclusive; `0` or `0-0` for the start), oldest first. */
  async read(
    jobId: string,
    afterId: string = STREAM_START,
    count = 500,
  ): Promise<StoredJobEvent[]> {
    return (await this.page(this.key(jobId), afterId, count)).events;
  }

  /** The stream's newest event, if any: is it over (`end`), and where to follow from. */
  async last(jobId: string): Promise<StoredJobEvent | undefined> {
    const [entry] = await this.redis.xrevrange(this.key(jobId), '+', '-', 'COUNT', 1);
    return entry ? decodeJobEvent(entry[0], entry[1]) : undefined;
  }

  /** Whether the job has a stream at all (none yet, or expired after its retention). */
  async exists(jobId: string): Promise<boolean> {
    return (await this.redis.exists(this.key(jobId))) === 1;
  }

  /**
   * Every event after `afterId`, live, ending after the `end` event or when `signal` aborts.
   * Catches up with XRANGE, then joins the process's hub; a Redis outage is waited out.
   */
  async *follow(
    jobId: string,
    afterId: string,
    signal: AbortSignal,
  ): AsyncGenerator<StoredJobEvent, void, undefined> {
    const key = this.key(jobId);
    const channel = new FollowerChannel(signal);
    let last = afterId === '0' ? STREAM_START : afterId;
    let catchingUp = true;
    let joined = false;
    try {
      while (!channel.done) {
        let events: StoredJobEvent[];
        if (catchingUp) {
          const page = await this.pageOrWait(key, last, channel);
          if (!page) continue;
          events = page.events;
          if (page.size < CATCH_UP_PAGE) {
            // Read once more after joining: entries the hub had passed before we joined.
            if (joined) catchingUp = false;
            else this.hub.join(key, last, channel);
            joined = true;
          }
          if (page.lastId && compareStreamIds(page.lastId, last) > 0 && events.length === 0) {
            last = page.lastId;
          }
        } else {
          const taken = channel.take();
          if (taken.overflowed) {
            catchingUp = true;
            continue;
          }
          if (taken.entries.length === 0) {
            await channel.wait();
            continue;
          }
          events = taken.entries;
        }
        for (const entry of events) {
          if (compareStreamIds(entry.id, last) <= 0) continue;
          last = entry.id;
          // A retried job's stream goes on after the end of its earlier run: skip that end.
          if (entry.event.type === 'end' && (await this.hasAfter(key, entry.id))) continue;
          yield entry;
          if (entry.event.type === 'end') return;
        }
      }
    } finally {
      if (joined) this.hub.leave(key, channel);
      channel.dispose();
    }
  }

  /** What this process's hub serves: followed streams, followers, blocking connections. */
  hubStats(): { streams: number; followers: number; connections: number } {
    return this.hub.stats();
  }

  private key(jobId: string): string {
    return jobEventsKey(this.config.redis.prefix, jobId);
  }

  private async hasAfter(key: string, id: string): Promise<boolean> {
    try {
      return (await this.redis.xrange(key, `(${id}`, '+', 'COUNT', 1)).length > 0;
    } catch {
      return false;
    }
  }

  private async page(key: string, afterId: string, count: number): Promise<Page> {
    const start = afterId === '0' ? `(${STREAM_START}` : `(${afterId}`;
    const raw = await this.redis.xrange(key, start, '+', 'COUNT', count);
    const events: StoredJobEvent[] = [];
    for (const [id, fields] of raw) {
      const entry = decodeJobEvent(id, fields);
      if (entry) events.push(entry);
    }
    return { events, lastId: raw.at(-1)?.[0], size: raw.length };
  }

  /** A catch-up page, or undefined after waiting a moment when Redis could not be read. */
  private async pageOrWait(
    key: string,
    afterId: string,
    channel: FollowerChannel,
  ): Promise<Page | undefined> {
    try {
      return await this.page(key, afterId, CATCH_UP_PAGE);
    } catch (error) {
      // During shutdown the connection is going away: retrying would hold the follower (and
      // the HTTP server waiting for its response) until the process is killed.
      if (this.hub.closing) {
        channel.close();
        return undefined;
      }
      this.warn(`Reading ${key} failed, retrying: ${(error as Error).message}`);
      await channel.pause(RETRY_MS);
      return undefined;
    }
  }
}
