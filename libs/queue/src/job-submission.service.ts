import { Inject, Injectable } from '@nestjs/common';
import {
  INLINE_INPUT_LIMIT_BYTES,
  effectiveJobCompat,
  jobDefinition,
  type JobData,
  type JobRequest,
} from '@switchboard/catalogue';
import { Config } from '@switchboard/config';
import { JobRecordsRepository, type JobEntity } from '@switchboard/persistence';
import { REDIS_CLIENT } from '@switchboard/redis';
import { randomUUID } from 'node:crypto';
import { bullJobOptions } from './bull-job-options';
import { MailboxQueues } from './mailbox-queues.service';
import type Redis from 'ioredis';
import { EnqueueFailedError, IdempotencyConflictError } from './submission-errors';

export interface SubmitOptions {
  /** Defaults to a random UUID; actors pass a deterministic one so replays don't duplicate. */
  id?: string;
  idempotencyKey?: string;
  requestHash?: string;
  parent?: { id: string; queue: string };
  /** From the client's `traceparent`, or the parent's; the job's own id otherwise. */
  traceId?: string;
  /** The key that submitted the job (children inherit their parent's): key budgets apply. */
  apiKeyId?: string;
}

export interface Submission {
  record: JobEntity;
  created: boolean;
}

const UNIQUE_VIOLATION = '23505';

/**
 * Writes the job record, then enqueues on the role's mailbox with the same id. Every job that
 * reaches a mailbox is enqueued here (API, OpenAI endpoint, MCP, actors' children, replays), so
 * this is the one place its data is built and stamped with the compatibility version.
 */
@Injectable()
export class JobSubmissionService {
  /** Stamped on every job enqueued here: the code's compatibility version, or config's. */
  private readonly compat: number;

  constructor(
    private readonly records: JobRecordsRepository,
    private readonly queues: MailboxQueues,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    config: Config,
  ) {
    this.compat = effectiveJobCompat(config.worker.jobCompatVersion);
  }

  async submit(
    tenantId: string,
    request: JobRequest,
    opts: SubmitOptions = {},
  ): Promise<Submission> {
    if (opts.idempotencyKey) {
      const existing = await this.records.findByIdempotencyKey(tenantId, opts.idempotencyKey);
      if (existing) return this.replay(existing, opts.requestHash);
    }
    const id = opts.id ?? randomUUID();
    let record: JobEntity;
    try {
      record = await this.records.insert({
        id,
        tenantId,
        role: request.role,
        tier: request.tier,
        status: request.delay ? 'delayed' : 'queued',
        input: request.input,
        privacy: request.privacy,
        priority: request.priority ?? null,
        delayMs: request.delay ?? null,
        maxAttempts: jobDefinition(request.role).options.attempts,
        parentId: opts.parent?.id ?? null,
        maxTier: request.maxTier ?? null,
        streamFailover: request.streamFailover ?? null,
        traceId: opts.traceId ?? id,
        apiKeyId: opts.apiKeyId ?? null,
        budgetPolicy: request.budgetPolicy ?? null,
        timeoutMs: request.timeoutMs ?? null,
        allowedTools: request.allowedTools ?? null,
        idempotencyKey: opts.idempotencyKey ?? null,
        requestHash: opts.requestHash ?? null,
      });
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      // A concurrent request with the same key or id won the race: answer with its job.
      const winner = opts.idempotencyKey
        ? await this.records.findByIdempotencyKey(tenantId, opts.idempotencyKey)
        : await this.records.findForTenant(tenantId, id);
      if (!winner) throw error;
      return this.replay(winner, opts.requestHash);
    }
    await this.enqueue(record, request, opts);
    return { record, created: true };
  }

  private replay(existing: JobEntity, requestHash: string | undefined): Submission {
    if (requestHash && existing.requestHash && existing.requestHash !== requestHash) {
      throw new IdempotencyConflictError(existing.id);
    }
    return { record: existing, created: false };
  }

  /**
   * Puts an existing record (a replayed failure BullMQ no longer holds) back on its mailbox.
   * Its data is rebuilt from the record by this version's code, so it carries this version's
   * stamp (a replay of a job BullMQ still holds keeps its data, and its stamp, as they were).
   */
  async reenqueue(record: JobEntity): Promise<void> {
    const request: JobRequest = {
      role: record.role,
      tier: record.tier,
      input: record.input as JobRequest['input'],
      priority: record.priority ?? undefined,
      privacy: record.privacy,
      maxTier: record.maxTier ?? undefined,
      streamFailover: record.streamFailover ?? undefined,
      budgetPolicy: record.budgetPolicy ?? undefined,
      timeoutMs: record.timeoutMs ?? undefined,
      allowedTools: record.allowedTools ?? undefined,
    };
    await this.enqueue(record, request, {}, false);
  }

  private async enqueue(
    record: JobEntity,
    request: JobRequest,
    opts: SubmitOptions,
    rollback = true,
  ): Promise<void> {
    const inline = Buffer.byteLength(JSON.stringify(request.input)) <= INLINE_INPUT_LIMIT_BYTES;
    const data: JobData = {
      tenantId: record.tenantId,
      compat: this.compat,
      role: request.role,
      tier: request.tier,
      privacy: request.privacy,
      ...(request.maxTier !== undefined ? { maxTier: request.maxTier } : {}),
      ...(request.streamFailover ? { streamFailover: request.streamFailover } : {}),
      traceId: record.traceId ?? record.id,
      ...(record.apiKeyId ? { apiKeyId: record.apiKeyId } : {}),
      ...(request.budgetPolicy ? { budgetPolicy: request.budgetPolicy } : {}),
      ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}),
      ...(request.allowedTools ? { allowedTools: request.allowedTools } : {}),
      ...(inline ? { input: request.input } : { inputRef: true }),
    };
    const options = bullJobOptions(request.role, {
      jobId: record.id,
      priority: request.priority,
      delay: request.delay,
      parent: opts.parent,
    });
    try {
      // Fail fast while Redis is away: BullMQ would otherwise wait for it to come back.
      if (this.redis.status !== 'ready')
        throw new Error(`Redis connection is ${this.redis.status}`);
      await this.queues.get(request.role, request.tier).add(request.role, data, options);
    } catch (error) {
      if (rollback) await this.records.remove(record.id).catch(() => undefined);
      throw new EnqueueFailedError(error);
    }
  }
}
