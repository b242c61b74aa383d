import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { JobStatus, Role, Tier, Usage } from '@switchboard/catalogue';
import { Brackets, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { JobEntity, type JobErrorInfo } from './entities/job.entity';
import { CANCEL_TREE_SQL, MARK_CANCELLED_SQL, spentSql, type CancelTarget } from './job-cancel.sql';
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
      | 'timeoutMs'
      | 'allowedTools'
    >
  >;

export interface JobListFilter {
  status?: JobStatus;
  role?: Role;
  tier?: Tier;
  limit: number;
  cursor?: string;
}

const FINISHED = ['completed', 'failed', 'cancelled'];
/** No cancel was accepted: once one is, only the cancellation may change the job's status. */
const NOT_CANCELLING = 'cancel_requested_at IS NULL';

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

  /**
   * The run starts. False when a cancel was accepted first: the record is left as it is and
   * the run must stop. (A missing record does not stop it.)
   */
  async markActive(id: string, attemptsMade: number): Promise<boolean> {
    const result = await this.jobs
      .createQueryBuilder()
      .update(JobEntity)
      .set({ status: 'active', attemptsMade, startedAt: () => 'COALESCE(started_at, now())' })
      .where('id = :id', { id })
      .andWhere(NOT_CANCELLING)
      .andWhere(`status <> 'cancelled'`)
      .execute();
    if ((result.affected ?? 0) > 0) return true;
    const row = await this.jobs.findOne({
      where: { id },
      select: { status: true, cancelRequestedAt: true },
    });
    return !row || (row.cancelRequestedAt === null && row.status !== 'cancelled');
  }

  /** False when a cancel was accepted first: the job must end cancelled instead. */
  async markCompleted(
    id: string,
    result: unknown,
    usage: Usage,
    attemptsMade: number,
  ): Promise<boolean> {
    return this.updateUnlessCancelling(id, {
      status: 'completed',
      result: result as object,
      error: null,
      attemptsMade,
      ...usageColumns(usage),
      finishedAt: new Date(),
    });
  }

  /**
   * `final` failures end the job; others leave it waiting for its next attempt. With `usage`
   * (a run that was aborted) the record gets what the job spent, its logged LLM calls' sum,
   * at least `usage`. False when a cancel was accepted first.
   */
  async markFailed(
    id: string,
    error: JobErrorInfo,
    attemptsMade: number,
    final: boolean,
    usage?: Usage,
  ): Promise<boolean> {
    const result = await this.jobs
      .createQueryBuilder()
      .update(JobEntity)
      .set({
        status: final ? 'failed' : 'delayed',
        error,
        attemptsMade,
        finishedAt: final ? new Date() : null,
        ...(usage
          ? {
              inputTokens: () => spentSql('input_tokens', ':floorIn'),
              outputTokens: () => spentSql('output_tokens', ':floorOut'),
              costMicros: () => spentSql('cost_micros', ':floorCost'),
            }
          : {}),
      })
      .setParameters({
        floorIn: usage?.inputTokens ?? 0,
        floorOut: usage?.outputTokens ?? 0,
        floorCost: usage?.costMicros ?? 0,
      })
      .where('id = :id', { id })
      .andWhere(NOT_CANCELLING)
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /**
   * Records a final failure that happened outside the handler (e.g. BullMQ failing a job that
   * stalled too often). A no-op when the handler already recorded how the job ended, or when
   * a cancel was accepted (the job ends cancelled instead).
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
      .andWhere('status NOT IN (:...finished)', { finished: FINISHED })
      .andWhere(NOT_CANCELLING)
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Any status but `cancelled` is refused (false) once a cancel was accepted. */
  async setStatus(id: string, status: JobStatus, from?: JobStatus[]): Promise<boolean> {
    const query = this.jobs
      .createQueryBuilder()
      .update(JobEntity)
      .set({ status, ...(status === 'cancelled' ? { finishedAt: new Date() } : {}) })
      .where('id = :id', { id });
    if (from) query.andWhere('status IN (:...from)', { from });
    if (status !== 'cancelled') query.andWhere(NOT_CANCELLING);
    const result = await query.execute();
    return (result.affected ?? 0) > 0;
  }

  /** A job whose budget is spent waits, delayed, until `until`; its error says why. */
  async markDeferred(id: string, until: Date, error: JobErrorInfo): Promise<boolean> {
    return this.updateUnlessCancelling(id, {
      status: 'delayed',
      error,
      delayMs: until.getTime() - Date.now(),
    });
  }

  /**
   * Accepts a cancel of a job and of its descendants (spawned children, recursively): each
   * unfinished one gets `cancel_requested_at`. Returns them, parents before children; the
   * root is missing when it has already finished.
   */
  async requestCancelTree(tenantId: string, rootId: string): Promise<CancelTarget[]> {
    const rows: { id: string; role: Role; tier: number; status: JobStatus; depth: number }[] =
      await this.jobs.manager.query(CANCEL_TREE_SQL, [rootId, tenantId, FINISHED]);
    return rows.map((r) => ({ ...r, tier: r.tier as Tier }));
  }

  /**
   * Ends an unfinished job as cancelled, with what it spent: the sum of its logged LLM calls,
   * at least `usage`. False when it had already finished. With `onlyIfRequested`, only a job
   * whose cancel was accepted.
   */
  async markCancelled(
    id: string,
    opts: { attemptsMade?: number; usage?: Usage; onlyIfRequested?: boolean } = {},
  ): Promise<boolean> {
    const usage = opts.usage ?? { inputTokens: 0, outputTokens: 0, costMicros: 0 };
    const rows: unknown[] = await this.jobs.manager.query(MARK_CANCELLED_SQL, [
      id,
      opts.attemptsMade ?? null,
      usage.inputTokens,
      usage.outputTokens,
      usage.costMicros,
      FINISHED,
      opts.onlyIfRequested ?? false,
    ]);
    return rows.length > 0;
  }

  /**
   * Claims a failed job for a replay: puts it back in line for a fresh set of attempts, in one
   * conditional write. Of concurrent replays of one job exactly one gets true; the others (and
   * a job that is not failed) get false and must leave it alone.
   */
  async requeueFailed(id: string): Promise<boolean> {
    const result = await this.jobs
      .createQueryBuilder()
      .update(JobEntity)
      .set({ status: 'queued', error: null, attemptsMade: 0, startedAt: null, finishedAt: null })
      .where('id = :id', { id })
      .andWhere(`status = 'failed'`)
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Undoes a claim whose replay could not be enqueued: the job is failed as it was. */
  async restoreFailed(
    record: Pick<JobEntity, 'id' | 'error' | 'attemptsMade' | 'startedAt' | 'finishedAt'>,
  ): Promise<void> {
    await this.jobs
      .createQueryBuilder()
      .update(JobEntity)
      .set({
        status: 'failed',
        error: record.error,
        attemptsMade: record.attemptsMade,
        startedAt: record.startedAt,
        finishedAt: record.finishedAt,
      })
      .where('id = :id', { id: record.id })
      .andWhere(`status = 'queued'`)
      .execute();
  }

  /** A finished job's progress no longer moves. */
  async setProgress(id: string, progress: unknown): Promise<void> {
    await this.jobs
      .createQueryBuilder()
      .update(JobEntity)
      .set({ progress: progress as object })
      .where('id = :id', { id })
      .andWhere('status NOT IN (:...finished)', { finished: FINISHED })
      .execute();
  }

  async remove(id: string): Promise<void> {
    await this.jobs.delete({ id });
  }

  private async updateUnlessCancelling(
    id: string,
    values: QueryDeepPartialEntity<JobEntity>,
  ): Promise<boolean> {
    const result = await this.jobs
      .createQueryBuilder()
      .update(JobEntity)
      .set(values)
      .where('id = :id', { id })
      .andWhere(NOT_CANCELLING)
      .execute();
    return (result.affected ?? 0) > 0;
  }
}

function usageColumns(usage: Usage) {
  return {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    costMicros: usage.costMicros,
  };
}
