import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { Config } from '@switchboard/config';
import { type JobEntity, JobRecordsRepository } from '@switchboard/persistence';
import { JobEventsReader, compareStreamIds } from '@switchboard/streams';
import type { Response } from 'express';
import { DrainState } from '../drain/drain.state';
import { ProblemException } from '../problems/problem';
import { endingFromRecord, isFinished } from './job-ending';
import { RecordWatch } from './record-watch';
import { SseWriter } from './sse-writer';

/** The record is re-read at most this often per open stream (see RecordWatch). */
const MIN_RECORD_CHECK_MS = 5_000;

/**
 * Serves one job's events as SSE from any API instance: everything lives in Redis, so a client
 * that lost its instance resumes on another with Last-Event-ID. Ends after the `end` event;
 * on shutdown (a drain), open streams end with a `reconnect` event so clients resume elsewhere.
 */
@Injectable()
export class JobEventStreamService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('JobEvents');
  private readonly open = new Set<AbortController>();

  constructor(
    private readonly reader: JobEventsReader,
    private readonly records: JobRecordsRepository,
    private readonly config: Config,
    private readonly drain: DrainState,
  ) {}

  async stream(job: JobEntity, afterId: string, res: Response): Promise<void> {
    const last = await this.reader.last(job.id).catch(() => {
      throw new ProblemException(503, 'events-unavailable', 'Job events are unavailable; retry.');
    });
    // Past the end already (an EventSource reconnecting after it): 204 stops its retries.
    if (last?.event.type === 'end' && compareStreamIds(afterId, last.id) >= 0) {
      res.status(204).end();
      return;
    }
    if (!last && isFinished(job)) return this.synthesize(job, res);
    const abort = new AbortController();
    this.open.add(abort);
    res.on('close', () => abort.abort());
    const { heartbeatMs } = this.config.streams;
    const sse = new SseWriter(res, heartbeatMs);
    const watch = new RecordWatch(this.records, job, 2, () => abort.abort()).start(
      Math.max(heartbeatMs, MIN_RECORD_CHECK_MS),
    );
    sse.open();
    if (this.drain.draining) abort.abort(); // ends at once, with the reconnect hint below
    let cursor = afterId;
    let ended = false;
    try {
      for await (const entry of this.reader.follow(job.id, afterId, abort.signal)) {
        await sse.event(entry.event, entry.id);
        cursor = entry.id;
        ended = entry.event.type === 'end';
      }
      if (!ended && watch.finished && !sse.closed) await this.finish(watch.finished, cursor, sse);
    } catch (error) {
      // The client reconnects with its Last-Event-ID and misses nothing.
      if (!this.drain.draining) {
        this.logger.warn(`Event stream of job ${job.id} broke off: ${(error as Error).message}`);
      }
    } finally {
      if (this.drain.draining && !ended && !sse.closed) {
        await sse.reconnect('draining').catch(() => undefined);
      }
      watch.stop();
      this.open.delete(abort);
      sse.close();
    }
  }

  beforeApplicationShutdown(): void {
    for (const abort of this.open) abort.abort();
  }

  /** The record says finished but no `end` came: send what remains, else the record's ending. */
  private async finish(job: JobEntity, cursor: string, sse: SseWriter): Promise<void> {
    for (const entry of await this.reader.read(job.id, cursor)) {
      await sse.event(entry.event, entry.id);
      if (entry.event.type === 'end') return;
    }
    for (const event of endingFromRecord(job)) await sse.event(event);
  }

  /** The stream expired (or was never written): the ending, rebuilt from the record, no ids. */
  private async synthesize(job: JobEntity, res: Response): Promise<void> {
    const sse = new SseWriter(res, this.config.streams.heartbeatMs);
    sse.open();
    try {
      for (const event of endingFromRecord(job)) await sse.event(event);
    } finally {
      sse.close();
    }
  }
}
