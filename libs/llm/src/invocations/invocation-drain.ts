import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { BudgetService } from '@switchboard/budget';
import { Config } from '@switchboard/config';
import { InvocationsRepository } from '@switchboard/persistence';
import { duplicateRedis, REDIS_CLIENT } from '@switchboard/redis';
import type { Redis } from 'ioredis';
import { abortableSleep } from '../abortable-sleep';
import { parseEntries, type StreamEntry } from './ledger-entry';

const GROUP = 'drain';
/** After a failed write, wait this long before trying the same entries again. */
const RETRY_DELAY_MS = 2_000;
/** How often each drainer looks for entries a dead drainer took and never wrote. */
const CLAIM_EVERY_MS = 5_000;
/** A flush waits at most this long for other drainers' entries (a dead one's are claimed). */
const FLUSH_LIMIT_MS = 15_000;

/**
 * Moves invocation rows from the ledger stream (written with each settlement, see the budget
 * scripts) into `llm_invocations`, in batches, one INSERT each. Every live process drains, in
 * one consumer group: an entry is acknowledged and deleted only once its row is in Postgres,
 * and entries a dead process had taken are claimed by the others after
 * LLM_INVOCATION_CLAIM_IDLE_MS. The insert is idempotent by invocation id, so an entry
 * written twice (a drainer dying between INSERT and ACK) is kept once.
 */
@Injectable()
export class InvocationDrain implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('InvocationDrain');
  private readonly consumer = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly stop = new AbortController();
  private blocking: Redis | undefined;
  private loop: Promise<void> | undefined;
  private busy: Promise<unknown> = Promise.resolve();
  private ready: Promise<void> | undefined;
  private written = 0;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly config: Config,
    private readonly repository: InvocationsRepository,
    private readonly budget: BudgetService,
  ) {}

  get enabled(): boolean {
    return this.config.llm.invocationLog === 'durable';
  }

  /** Rows this process has written to Postgres so far. */
  get writtenRows(): number {
    return this.written;
  }

  private get stream(): string {
    return this.budget.invocationStream;
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    // Its first XREADGROUP is sent while it still connects: without the offline queue (off on
    // the shared client it copies) that read failed, logged an error and held the drain back.
    this.blocking = duplicateRedis(this.redis, {
      connectionName: 'switchboard-drain',
      enableOfflineQueue: true,
    });
    this.blocking.on('error', () => undefined); // the loop reports and retries
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.loop) return;
    this.stop.abort();
    this.blocking?.disconnect(); // ends a blocked XREADGROUP at once
    await this.loop;
    await this.flush().catch((error: Error) =>
      this.logger.error(`final drain failed: ${error.message}`),
    );
  }

  /**
   * Drains until every row appended before the call is in Postgres (tests, a cancelled job's
   * spend). Bounded: rows a dead drainer holds wait for the claim.
   */
  async flush(): Promise<void> {
    if (!this.enabled) return;
    await this.ensureGroup();
    const last = await this.redis.xrevrange(this.stream, '+', '-', 'COUNT', 1);
    if (last.length === 0) return;
    const target = last[0][0];
    const deadline = Date.now() + FLUSH_LIMIT_MS;
    while (Date.now() < deadline) {
      const read = await this.redis.xreadgroup(
        'GROUP',
        GROUP,
        this.consumer,
        'COUNT',
        this.config.llm.invocationBatchSize,
        'STREAMS',
        this.stream,
        '>',
      );
      const entries = firstStream(read);
      if (entries.length > 0) await this.write(entries);
      await this.busy;
      const oldest = await this.redis.xrange(this.stream, '-', '+', 'COUNT', 1);
      if (oldest.length === 0 || compareIds(oldest[0][0], target) > 0) return;
      if (entries.length === 0) {
        await this.claim(this.config.llm.invocationClaimIdleMs);
        await abortableSleep(20);
      }
    }
    this.logger.warn(`flush: rows up to ${target} are not all written yet`);
  }

  private async run(): Promise<void> {
    let nextClaim = 0;
    while (!this.stop.signal.aborted) {
      try {
        await this.ensureGroup();
        if (Date.now() >= nextClaim) {
          nextClaim = Date.now() + CLAIM_EVERY_MS;
          await this.claim(this.config.llm.invocationClaimIdleMs);
        }
        const read = await this.blocking!.xreadgroup(
          'GROUP',
          GROUP,
          this.consumer,
          'COUNT',
          this.config.llm.invocationBatchSize,
          'BLOCK',
          this.config.llm.invocationFlushMs,
          'STREAMS',
          this.stream,
          '>',
        );
        const entries = firstStream(read);
        if (entries.length > 0) await this.track(this.write(entries));
      } catch (error) {
        if (this.stop.signal.aborted) return;
        this.logger.error(`draining invocation rows: ${(error as Error).message}`);
        await abortableSleep(RETRY_DELAY_MS, this.stop.signal).catch(() => undefined);
      }
    }
  }

  /** Takes over entries another drainer took and left unacknowledged for `idleMs`. */
  private async claim(idleMs: number): Promise<void> {
    let cursor = '0-0';
    do {
      const reply = (await this.redis.xautoclaim(
        this.stream,
        GROUP,
        this.consumer,
        idleMs,
        cursor,
        'COUNT',
        this.config.llm.invocationBatchSize,
      )) as [string, [string, string[]][]];
      cursor = reply[0];
      const entries = reply[1].filter((e): e is StreamEntry => Array.isArray(e?.[1]));
      if (entries.length > 0) await this.track(this.write(entries));
    } while (cursor !== '0-0' && !this.stop.signal.aborted);
  }

  /** Writes the rows, then acknowledges and deletes their entries (never before). */
  private async write(entries: StreamEntry[]): Promise<void> {
    const rows = parseEntries(entries, (id, why) =>
      this.logger.error(`ledger entry ${id} is not a row (${why}); skipped`),
    );
    await this.repository.insertMany(rows);
    this.written += rows.length;
    const ids = entries.map(([id]) => id);
    await this.redis
      .multi()
      .xack(this.stream, GROUP, ...ids)
      .xdel(this.stream, ...ids)
      .exec();
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.busy = work.catch(() => undefined);
    return work;
  }

  private ensureGroup(): Promise<void> {
    this.ready ??= this.redis.xgroup('CREATE', this.stream, GROUP, '0', 'MKSTREAM').then(
      () => undefined,
      (error: Error) => {
        if (!/BUSYGROUP/.test(error.message)) {
          this.ready = undefined;
          throw error;
        }
      },
    );
    return this.ready;
  }
}

function firstStream(read: unknown): StreamEntry[] {
  const streams = read as [string, StreamEntry[]][] | null;
  return streams?.[0]?.[1] ?? [];
}

/** Orders two stream ids (`ms-seq`). */
export function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number);
  const [bm, bs] = b.split('-').map(Number);
  return am !== bm ? am - bm : as - bs;
}
