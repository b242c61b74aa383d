import type { JobEntity, JobRecordsRepository } from '@switchboard/persistence';
import { isFinished } from './job-ending';

/**
 * Re-reads a job's record every `intervalMs` and reports once it has seen it finished
 * `sightings` times in a row: the backstop for a stream whose `end` never comes (a worker that
 * died, a job cancelled before it ran). Two sightings give a normal `end` time to arrive.
 */
export class RecordWatch {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private seen: number;
  finished: JobEntity | undefined;

  constructor(
    private readonly records: JobRecordsRepository,
    private readonly job: JobEntity,
    private readonly sightings: number,
    private readonly onFinished: (job: JobEntity) => void,
  ) {
    this.seen = isFinished(job) ? 1 : 0;
  }

  start(intervalMs: number): this {
    this.timer = setInterval(() => void this.check(), intervalMs);
    this.timer.unref();
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async check(): Promise<void> {
    if (this.busy || this.finished) return;
    this.busy = true;
    try {
      const fresh = await this.records.findForTenant(this.job.tenantId, this.job.id);
      this.seen = fresh && isFinished(fresh) ? this.seen + 1 : 0;
      if (fresh && this.seen >= this.sightings) {
        this.finished = fresh;
        this.stop();
        this.onFinished(fresh);
      }
    } catch {
      // The database is away: the stream itself may still bring the end.
    } finally {
      this.busy = false;
    }
  }
}
