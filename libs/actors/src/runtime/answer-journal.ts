import { Inject, Injectable } from '@nestjs/common';
import type { JobData } from '@switchboard/catalogue';
import { Config } from '@switchboard/config';
import type { AnswerSlot, LlmResponse } from '@switchboard/llm';
import { REDIS_CLIENT } from '@switchboard/redis';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { ranBefore } from './ran-before';
import type { Step } from './step-journal';

const POSITION = /^(0|[1-9][0-9]*)$/;

/**
 * A job's answered LLM calls, by step position, in one Redis hash per job. The router writes
 * each answer in the same script that settles the call, so once a call is paid for its answer
 * is kept, whatever happens to the process next; a later run of the job replays it.
 */
@Injectable()
export class AnswerJournal {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly config: Config,
  ) {}

  /** Where the answer of the job's call at `position` goes. */
  slots(jobId: string): (position: number) => AnswerSlot {
    const key = this.key(jobId);
    const ttlMs = this.config.llm.journalTtlMs;
    return (position) => ({ key, field: String(position), ttlMs });
  }

  /**
   * The answers earlier runs of the job paid for. A first run has none, so it costs no read:
   * only a job started before (a retry, a stalled job taken over, a parent resuming) looks.
   */
  async load(job: Job<JobData>): Promise<Map<number, Step>> {
    const answers = new Map<number, Step>();
    if (!ranBefore(job)) return answers;
    const fields = await this.redis.hgetall(this.key(job.id as string));
    for (const [field, value] of Object.entries(fields)) {
      // Only what `slots` writes (String(position)): Number() would also take '', ' 1', '0x1'.
      if (!POSITION.test(field)) continue;
      const position = Number(field);
      if (!Number.isSafeInteger(position)) continue;
      answers.set(position, { kind: 'llm', response: JSON.parse(value) as LlmResponse });
    }
    return answers;
  }

  /** A completed job needs its answers no more (a failed one keeps them for a retry). */
  async forget(jobId: string): Promise<void> {
    await this.redis.unlink(this.key(jobId));
  }

  private key(jobId: string): string {
    return `${this.config.redis.prefix}:journal:${jobId}`;
  }
}
