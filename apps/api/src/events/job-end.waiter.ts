import { type BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { Config } from '@switchboard/config';
import { JobRecordsRepository } from '@switchboard/persistence';
import { type JobEvent, JobEventsReader, STREAM_START } from '@switchboard/streams';
import { ProblemException } from '../problems/problem';
import { isFinished } from './job-ending';
import { RecordWatch } from './record-watch';

/** Backstop re-read of the record, for a job whose stream never gets its `end`. */
const RECORD_CHECK_MS = 2_000;

/**
 * The long-poll of `GET /v1/jobs/:id?wait=`: waits on the job's event stream for `end` (through
 * the process's one hub connection, so waiting costs no polling), at most `ms`.
 */
@Injectable()
export class JobEndWaiter implements BeforeApplicationShutdown {
  private readonly open = new Set<AbortController>();

  constructor(
    private readonly reader: JobEventsReader,
    private readonly records: JobRecordsRepository,
    private readonly config: Config,
  ) {}

  /** `?wait=` in seconds (0 to STREAM_LONG_POLL_MAX_S) as milliseconds; absent is 0. */
  waitMs(raw: unknown): number {
    if (raw === undefined) return 0;
    const max = this.config.streams.longPollMaxS;
    const seconds = typeof raw === 'string' && /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
    if (!(seconds <= max)) {
      const message = `must be a whole number of seconds from 0 to ${max}`;
      throw new ProblemException(400, 'invalid-query', `wait ${message}.`, {
        errors: [{ field: 'wait', message }],
      });
    }
    return seconds * 1000;
  }

  /**
   * Resolves when the job has finished, or after `ms`; a missing job resolves at once.
   * `follow.onEvent` sees each event that comes meanwhile; `follow.signal` stops the wait.
   */
  async untilFinished(
    tenantId: string,
    jobId: string,
    ms: number,
    follow: { onEvent?: (event: JobEvent) => Promise<void> | void; signal?: AbortSignal } = {},
  ): Promise<void> {
    if (ms <= 0) return;
    const job = await this.records.findForTenant(tenantId, jobId);
    if (!job || isFinished(job) || follow.signal?.aborted) return;
    const abort = new AbortController();
    const stop = () => abort.abort();
    follow.signal?.addEventListener('abort', stop, { once: true });
    this.open.add(abort);
    const timer = setTimeout(() => abort.abort(), ms);
    const watch = new RecordWatch(this.records, job, 1, () => abort.abort()).start(RECORD_CHECK_MS);
    try {
      // Only what comes next matters; an `end` already there belongs to an earlier run (the
      // record, read above, is not finished).
      const last = await this.reader.last(jobId);
      for await (const entry of this.reader.follow(jobId, last?.id ?? STREAM_START, abort.signal)) {
        await follow.onEvent?.(entry.event);
        if (entry.event.type === 'end') return;
      }
    } catch {
      // Redis is away: answer with the record as it is.
    } finally {
      clearTimeout(timer);
      follow.signal?.removeEventListener('abort', stop);
      watch.stop();
      this.open.delete(abort);
    }
  }

  beforeApplicationShutdown(): void {
    for (const abort of this.open) abort.abort();
  }
}
