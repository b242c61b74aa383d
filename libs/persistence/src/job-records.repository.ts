import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { JobStatus, Role, Tier, Usage } from '@switchboard/catalogue';
import { Brackets, Repository } from 'typeorm';
import { JobEntity, type JobErrorInfo } from './entities/job.entity';
import { decodeJobCursor, encodeJobCursor } from './job-cursor';

export type NewJobRecord = Pick<
  JobEntity,
  'id' | 'tenantId' | 'role' | 'tier' | 'status' | 'input' | 'maxAttempts' | 'privacy'
> &
  Partial<
    Pick<
      JobEntity,
      | 'priority'
      | 'delayMs'
      | 'parentId'
      | 'idempotencyKey'
      | 'requestHash'
      | 'maxTier'
      | 'streamFailover'
      | 'traceId'
      | 'apiKeyId'
      | 'budgetPolicy'
    >
  >;

export interface JobListFilter {
  status?: JobStatus;
  role?: Role;
  tier?: Tier;
  limit: number;
  cursor?: string;
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads and state changes of job records. Every read is scoped to a tenant. */
@Injectable()
export class JobRecordsRepository {
  constructor(@InjectRepository(JobEntity) private readonly jobs: Repository<JobEntity>) {}

  async insert(record: NewJobRecord): Promise<JobEntity> {
    return this.jobs.save(this.jobs.create({ ...record, attemptsMade: 0 }));
  }

  async findForTenant(tenantId: string, id: string): Promise<JobEntity | null> {
    if (!UUID_PATTERN.test(id)) return null;
    return this.jobs.findOne({ where: { id, tenantId } });
  }

  async findById(id: string): Promise<JobEntity | null> {
    return this.jobs.findOne({ where: { id } });
  }

  async findByIdempotencyKey(tenantId: string, key: string): Promise<JobEntity | null> {
    return this.jobs.findOne({ where: { tenantId, idempotencyKey: key } });
  }

  async list(
    tenantId: string,
    filter: JobListFilter,
  ): Promise<{ items: JobEntity[]; nextCursor: string | null }> {
    const query = this.jobs
      .createQueryBuilder('job')
      .where('job.tenant_id = :tenantId', { tenantId })
      .orderBy('job.created_at', 'DESC')
      .addOrderBy('job.id', 'DESC')
      .limit(filter.limit + 1);
    if (filter.status) query.andWhere('job.status = :status', { status: filter.status });
    if (filter.role) query.andWhere('job.role = :role', { role: filter.role });
    if (filter.tier !== undefined) query.andWhere('job.tier = :tier', { tier: filter.tier });
    const cursor = filter.cursor ? decodeJobCursor(filter.cursor) : undefined;
    if (cursor) {
      query.andWhere(
        new Brackets((b) =>
          b.where('(job.created_at, job.id) < (:createdAt, :id)', {
            createdAt: cursor.createdAt,
            id: cursor.id,
          }),
        ),
      );
    }
    const rows = await query.getMany();
    const items = rows.slice(0, filter.limit);
    const last = items[items.length - 1];
    const nextCursor = rows.length > filter.limit && last ? encodeJobCursor(last) : null;
    return { items, nextCursor };
  }

  async markActive(id: string, attemptsMade: number): Promise<void> {
    await this.jobs.update({ id }, {
      status: 'active',
      attemptsMade,
      startedAt: () => 'COALESCE(started_at, now())',
    } as never);
  }

  async markCompleted(
    id: string,
    result: unknown,
    usage: Usage,
    attemptsMade: number,
  ): Promise<void> {
    await this.jobs.update(
      { id },
      {
        status: 'completed',
        result: result as object,
        error: null,
        attemptsMade,
        inputTokens: usage.inputTokens,
        outputTokens: usage.outputTokens,
        costMicros: usage.costMicros,
        finishedAt: new Date(),
      },
    );
  }

  /** `final` failures end the job; others leave it waiting for its next attempt. */
  async markFailed(
    id: string,
    error: JobErrorInfo,
    attemptsMade: number,
    final: boolean,
  ): Promise<void> {
    await this.jobs.update(
      { id },
      {
        status: final ? 'failed' : 'delayed',
        error,
        attemptsMade,
        finishedAt: final ? new Date() : null,
      },
    );
  }

  /**
   * Records a final failure that happened outside the handler (e.g. BullMQ failing a job that
   * stalled too often). A no-op when the handler already recorded how the job ended.
   */
  async markFailedIfUnfinished(
    id: string,
    error: JobErrorInfo,
    attemptsMade: number,
  ): Promise<boolean> {
    const result = await this.jobs
      .createQueryBuilder()
      .update(JobEntity)
      .set({ status: 'failed', error, attemptsMade, finishedAt: new Date() })
      .where('id = :id', { id })
      .andWhere('status NOT IN (:...finished)', { finished: ['completed', 'failed', 'cancelled'] })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  async setStatus(id: string, status: JobStatus, from?: JobStatus[]): Promise<boolean> {
    const query = this.jobs
      .createQueryBuilder()
      .update(JobEntity)
      .set({ status, ...(status === 'cancelled' ? { finishedAt: new Date() } : {}) })
      .where('id = :id', { id });
    if (from) query.andWhere('status IN (:...from)', { from });
    const result = await query.execute();
    return (result.affected ?? 0) > 0;
  }

  /** A job whose budget is spent waits, delayed, until `until`; its error says why. */
  async markDeferred(id: string, until: Date, error: JobErrorInfo): Promise<void> {
    await this.jobs.update(
      { id },
      { status: 'delayed', error, delayMs: until.getTime() - Date.now() },
    );
  }

  /** Puts a failed job back in line for a fresh set of attempts. */
  async requeue(id: string): Promise<void> {
    await this.jobs.update(
      { id },
      { status: 'queued', error: null, attemptsMade: 0, startedAt: null, finishedAt: null },
    );
  }

  async setProgress(id: string, progress: unknown): Promise<void> {
    await this.jobs.update({ id }, { progress: progress as object });
  }

  async remove(id: string): Promise<void> {
    await this.jobs.delete({ id });
  }
}
