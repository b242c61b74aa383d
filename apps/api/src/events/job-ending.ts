import { FINISHED_STATUSES } from '@switchboard/catalogue';
import type { JobEntity } from '@switchboard/persistence';
import type { JobEvent } from '@switchboard/streams';

export const isFinished = (job: JobEntity): boolean => FINISHED_STATUSES.includes(job.status);

/**
 * The last events of a finished job, rebuilt from its record for when its stream is gone
 * (expired after the retention) or never got its `end`: every client gets an ending.
 */
export function endingFromRecord(job: JobEntity): JobEvent[] {
  const outcome: JobEvent =
    job.status === 'completed'
      ? {
          type: 'result',
          result: job.result ?? null,
          usage: {
            inputTokens: job.inputTokens,
            outputTokens: job.outputTokens,
            costMicros: job.costMicros,
          },
        }
      : {
          type: 'error',
          error: job.error ?? {
            message: `The job ended ${job.status}.`,
            code: job.status === 'cancelled' ? 'cancelled' : undefined,
          },
        };
  return [outcome, { type: 'end', status: job.status }];
}
