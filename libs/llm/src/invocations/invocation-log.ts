import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Config } from '@switchboard/config';
import { InvocationsRepository, type InvocationRow } from '@switchboard/persistence';
import { InvocationDrain } from './invocation-drain';
import { watchInvocationBuffer } from './invocation-log.metrics';
import { RingBuffer } from './ring-buffer';

/** Rows held while PostgreSQL is slow or down; past this, the oldest are dropped. */
const BUFFER_LIMIT = 50_000;
/** After a failed write, wait at least this long before the next one (the retry). */
const RETRY_DELAY_MS = 5_000;
/** A hung PostgreSQL must not hold shutdown; the rows still pending are reported. */
const SHUTDOWN_FLUSH_MS = 10_000;

function withoutPrompt(row: InvocationRow): InvocationRow {
  const { prompt: _prompt, ...rest } = row;
  return rest;
}

/**
 * The LLM invocation log. With LLM_INVOCATION_LOG=durable (the default) rows travel through
 * the ledger stream and `InvocationDrain`; `flush` waits for it. With `memory`, `record` only buffers the row (O(1), no I/O), so logging adds next to
 * nothing to a call; rows are written in batches, one INSERT each, when `invocationBatchSize`
 * rows are waiting or `invocationFlushMs` after the first one. One write at a time. A failed
 * batch is retried once, then dropped; the buffer is bounded, so an outage costs bounded memory.
 */
@Injectable()
export class InvocationLog implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('InvocationLog');
  private readonly buffer = new RingBuffer<InvocationRow>(BUFFER_LIMIT);
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  /** A batch whose write failed once, waiting for its one retry. */
  private failed: InvocationRow[] | undefined;
  /** The last write failed: write again only on the retry timer, not on every full batch. */
  private failing = false;
  private closed = false;
  private dropped = 0;
  private droppedUnreported = 0;

  constructor(
    private readonly repository: InvocationsRepository,
    private readonly config: Config,
    private readonly ledger: InvocationDrain,
  ) {
    watchInvocationBuffer(this);
  }

  /** The most rows held unwritten; beyond it the oldest are dropped. */
  get bufferLimit(): number {
    return this.buffer.capacity;
  }

  /** Rows lost so far (buffer overflow or a batch that failed twice). */
  get droppedRows(): number {
    return this.dropped;
  }

  /** Rows recorded but not written yet. */
  get pendingRows(): number {
    return this.buffer.length + (this.failed?.length ?? 0);
  }

  /** Buffers one attempt's row; the row is kept as given until written, don't mutate it. */
  record(row: InvocationRow): void {
    const { logPrompts, invocationBatchSize, invocationFlushMs } = this.config.llm;
    if (this.buffer.push(logPrompts || row.prompt === undefined ? row : withoutPrompt(row))) {
      this.dropped++;
      this.droppedUnreported++;
    }
    if (this.failing) this.arm(RETRY_DELAY_MS);
    else if (this.buffer.length >= invocationBatchSize) void this.run();
    else this.arm(invocationFlushMs);
  }

  /** Writes everything recorded so far (tests, shutdown, a cancelled job's spend). Never rejects. */
  async flush(): Promise<void> {
    await this.ledger
      .flush()
      .catch((error: Error) =>
        this.logger.error(`draining the ledger stream failed: ${error.message}`),
      );
    this.disarm();
    // A batch that fails in the first pass gets its one retry in the second.
    for (let pass = 0; pass < 2 && (this.inFlight || this.pendingRows > 0); pass++) {
      await this.run();
    }
  }

  /** Runs after the worker pools have stopped taking jobs, while PostgreSQL is still open. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.flushForShutdown();
  }

  /** Calls that ended during the HTTP server's close still get written. */
  async onApplicationShutdown(): Promise<void> {
    await this.flushForShutdown();
    this.closed = true;
    this.disarm();
    if (this.pendingRows > 0) {
      this.logger.error(`shutdown: ${this.pendingRows} invocation rows could not be written`);
    }
  }

  private async flushForShutdown(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, SHUTDOWN_FLUSH_MS).unref();
    });
    await Promise.race([this.flush(), timeout]);
    clearTimeout(timer);
  }

  private arm(delayMs: number): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, delayMs);
    this.timer.unref(); // never keeps the process alive; shutdown flushes explicitly
  }

  private disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Starts a drain unless one is in flight; either way returns the one in flight. */
  private run(): Promise<void> {
    this.inFlight ??= this.drain().finally(() => {
      this.inFlight = undefined;
      this.reportDrops();
      if (this.failing) {
        this.disarm();
        this.arm(RETRY_DELAY_MS);
      } else if (this.pendingRows > 0) {
        this.arm(this.config.llm.invocationFlushMs);
      } else {
        this.disarm(); // a retry timer from an earlier failure has nothing left to do
      }
    });
    return this.inFlight;
  }

  private async drain(): Promise<void> {
    const retry = this.failed;
    this.failed = undefined;
    if (retry && !(await this.write(retry, 'again; dropped'))) {
      this.dropped += retry.length;
      return; // PostgreSQL still fails: leave the buffer for the retry timer
    }
    while (this.buffer.length > 0) {
      const batch = this.buffer.take(this.config.llm.invocationBatchSize);
      if (!(await this.write(batch, 'will retry once'))) {
        this.failed = batch;
        return;
      }
    }
  }

  private async write(batch: InvocationRow[], onFailure: string): Promise<boolean> {
    try {
      await this.repository.insertMany(batch);
      this.failing = false;
      return true;
    } catch (error) {
      this.failing = true;
      this.logger.error(
        `writing ${batch.length} invocation rows failed, ${onFailure}: ${(error as Error).message}`,
      );
      return false;
    }
  }

  private reportDrops(): void {
    if (this.droppedUnreported === 0) return;
    this.logger.error(
      `invocation buffer full (${BUFFER_LIMIT} rows): dropped the ${this.droppedUnreported} oldest (${this.dropped} dropped in all)`,
    );
    this.droppedUnreported = 0;
  }
}
