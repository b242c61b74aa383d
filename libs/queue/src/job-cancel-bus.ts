import { Inject, Injectable } from '@nestjs/common';
import { MAX_JOB_TIMEOUT_MS } from '@switchboard/catalogue';
import { Config } from '@switchboard/config';
import { REDIS_CLIENT } from '@switchboard/redis';
import type Redis from 'ioredis';

/** The one channel every worker listens on; a message is a job id. */
export const cancelChannel = (prefix: string): string => `${prefix}:job-cancel`;

/** The durable side of a cancel signal, for a worker that missed the message. */
export const cancelMarkerKey = (prefix: string, jobId: string): string =>
  `${prefix}:job-cancel:${jobId}`;

/**
 * A marker must outlive any run that may still hold the job: the longest timeout, plus time
 * for a lock to expire and a stalled job to be picked up again (which checks the record).
 */
export const CANCEL_MARKER_TTL_S = Math.ceil(MAX_JOB_TIMEOUT_MS / 1000) + 3600;

/**
 * Carries "stop this running job" to whichever worker holds it, on any host: a marker key
 * (durable, with a TTL) and then a broadcast on the cancel channel. Workers act on the
 * message at once, and on the marker when they sweep their running jobs.
 */
@Injectable()
export class JobCancelBus {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly config: Config,
  ) {}

  get channel(): string {
    return cancelChannel(this.config.redis.prefix);
  }

  /** Marker first, so a worker that reads the marker after missing the message still finds it. */
  async signal(jobIds: string[]): Promise<void> {
    if (jobIds.length === 0) return;
    const prefix = this.config.redis.prefix;
    const batch = this.redis.multi();
    for (const id of jobIds) batch.set(cancelMarkerKey(prefix, id), '1', 'EX', CANCEL_MARKER_TTL_S);
    for (const id of jobIds) batch.publish(this.channel, id);
    const replies = await batch.exec();
    const failed = replies?.find(([error]) => error);
    if (!replies || failed) throw failed?.[0] ?? new Error('the cancel signal was not sent');
  }

  /** Which of these jobs have a cancel marker: one MGET. */
  async marked(jobIds: string[]): Promise<string[]> {
    if (jobIds.length === 0) return [];
    const prefix = this.config.redis.prefix;
    const values = await this.redis.mget(jobIds.map((id) => cancelMarkerKey(prefix, id)));
    return jobIds.filter((_, i) => values[i] !== null);
  }
}
