import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Config } from '@switchboard/config';
import { createRedisConnection, nodeForKey, REDIS_CLIENT } from '@switchboard/redis';
import type Redis from 'ioredis';
import type { FollowerChannel } from './follower-channel';
import { decodeJobEvent } from './job-event.codec';
import { compareStreamIds } from './stream-id';
import { throttledWarn } from './throttled-warn';

/** How long one XREAD blocks; also the longest a newly joined stream waits if UNBLOCK is lost. */
const BLOCK_MS = 2_000;
/** Entries per stream per XREAD round. */
const READ_COUNT = 200;
const RETRY_MS = 500;

interface FollowedStream {
  /** The hub reads entries after this id. */
  cursor: string;
  followers: Set<FollowerChannel>;
}

type XReadReply = [key: string, entries: [id: string, fields: string[]][]][] | null;

/**
 * One per process: a single blocking connection runs `XREAD BLOCK … STREAMS k1 k2 … id1 id2 …`
 * over every stream someone follows and fans entries out to the followers, so a thousand SSE
 * clients cost one connection, not a thousand. When a stream is added, the blocked call is
 * interrupted (CLIENT UNBLOCK, through the command connection) and re-issued with the new key.
 * A follower leaving needs no re-issue: its key drops out of the next round.
 */
@Injectable()
export class JobEventsHub implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(JobEventsHub.name);
  private readonly streams = new Map<string, FollowedStream>();
  private connection: Redis | undefined;
  private connectionId: number | undefined;
  private running = false;
  private closed = false;
  /** Bumped when a stream is added; the in-flight XREAD is stale if it read an older one. */
  private generation = 0;
  private inflightGeneration = -1;
  private unblocking = false;
  private readonly warn = throttledWarn(this.logger);

  constructor(
    @Inject(REDIS_CLIENT) private readonly commands: Redis,
    private readonly config: Config,
  ) {}

  /** Streams and followers currently served (for tests and metrics). */
  stats(): { streams: number; followers: number; connections: number } {
    let followers = 0;
    for (const s of this.streams.values()) followers += s.followers.size;
    return { streams: this.streams.size, followers, connections: this.connection ? 1 : 0 };
  }

  /** True once the process has begun shutting down: no follower is served any more. */
  get closing(): boolean {
    return this.closed;
  }

  /** Delivers every entry of `key` after `afterId` (or later; see FollowerChannel) to `channel`. */
  join(key: string, afterId: string, channel: FollowerChannel): void {
    if (this.closed) {
      channel.close();
      return;
    }
    const stream = this.streams.get(key);
    if (stream) {
      stream.followers.add(channel);
      return;
    }
    this.streams.set(key, { cursor: afterId, followers: new Set([channel]) });
    this.generation += 1;
    if (this.running) this.interrupt();
    else this.start();
  }

  leave(key: string, channel: FollowerChannel): void {
    const stream = this.streams.get(key);
    if (!stream) return;
    stream.followers.delete(channel);
    if (stream.followers.size === 0) this.streams.delete(key);
  }

  /** Followers stop before the HTTP server closes, which waits for their responses to end. */
  beforeApplicationShutdown(): void {
    this.closed = true;
    for (const stream of this.streams.values()) {
      for (const channel of stream.followers) channel.close();
    }
    this.streams.clear();
  }

  onApplicationShutdown(): void {
    this.closed = true;
    this.connection?.disconnect();
    this.connection = undefined;
  }

  private start(): void {
    this.running = true;
    this.connection ??= this.connect();
    void this.loop().finally(() => {
      this.running = false;
      // A stream may have been added as the loop was deciding to stop.
      if (this.streams.size > 0 && !this.closed) this.start();
    });
  }

  private connect(): Redis {
    const connection = createRedisConnection(this.config.redis, {
      // Blocking reads wait out outages instead of failing every follower.
      maxRetriesPerRequest: null,
      connectionName: 'switchboard-events-hub',
    });
    connection.on('error', (error: Error) => this.logError(error));
    connection.on('close', () => {
      this.connectionId = undefined;
    });
    return connection;
  }

  private async loop(): Promise<void> {
    const connection = this.connection;
    while (!this.closed && connection && this.streams.size > 0) {
      const keys = [...this.streams.keys()];
      const ids = keys.map((k) => this.streams.get(k)!.cursor);
      let reply: XReadReply;
      try {
        this.connectionId ??= await this.readConnectionId(connection, keys[0]);
        this.inflightGeneration = this.generation;
        reply = await connection.xread(
          'COUNT',
          READ_COUNT,
          'BLOCK',
          BLOCK_MS,
          'STREAMS',
          ...keys,
          ...ids,
        );
      } catch (error) {
        if (this.closed) return;
        this.logError(error);
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        continue;
      } finally {
        this.inflightGeneration = -1;
      }
      if (reply) this.fanOut(reply);
    }
  }

  private fanOut(reply: NonNullable<XReadReply>): void {
    for (const [key, entries] of reply) {
      const stream = this.streams.get(key);
      if (!stream) continue;
      for (const [id, fields] of entries) {
        if (compareStreamIds(id, stream.cursor) > 0) stream.cursor = id;
        const entry = decodeJobEvent(id, fields);
        if (!entry) continue;
        for (const channel of stream.followers) channel.push(entry);
      }
    }
  }

  /**
   * Ends the blocked XREAD early so the next round includes the new stream. UNBLOCK finds
   * nothing if the call had not reached Redis yet, so it is retried briefly while stale.
   */
  private interrupt(): void {
    if (this.unblocking) return;
    this.unblocking = true;
    void (async () => {
      try {
        for (let attempt = 0; attempt < 20 && this.isStale(); attempt += 1) {
          if (this.connectionId !== undefined) {
            const key = this.streams.keys().next().value;
            const node = key === undefined ? undefined : nodeForKey(this.commands, key);
            const done = node ? await node.client('UNBLOCK', this.connectionId) : 0;
            if (Number(done) === 1) return;
          }
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      } catch {
        // The read times out within BLOCK_MS anyway.
      } finally {
        this.unblocking = false;
      }
    })();
  }

  /**
   * CLIENT ID of the connection the XREAD runs on: on a Cluster, its connection to the node
   * that serves the streams' slot (all share the prefix's hash tag), forgotten when that
   * node connection closes, as the single connection's is.
   */
  private async readConnectionId(connection: Redis, key: string): Promise<number> {
    let node = nodeForKey(connection, key);
    if (!node) {
      await connection.ping(); // a Cluster loads its slot map as it connects
      node = nodeForKey(connection, key);
    }
    if (!node) throw new Error('no Redis Cluster node serves the stream keys');
    if (node !== connection) {
      node.once('close', () => {
        this.connectionId = undefined;
      });
    }
    return Number(await node.client('ID'));
  }

  private isStale(): boolean {
    return (
      !this.closed && this.inflightGeneration !== -1 && this.inflightGeneration < this.generation
    );
  }

  private logError(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.warn(`Event hub read failed (followers wait and retry): ${message}`);
  }
}
