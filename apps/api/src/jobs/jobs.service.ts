import { Injectable } from '@nestjs/common';
import { BudgetService, microsToDollars } from '@switchboard/budget';
import { parseJobRequest, type JobRequest, type Tier } from '@switchboard/catalogue';
import { JobRecordsRepository, decodeJobCursor, type JobEntity } from '@switchboard/persistence';
import {
  EnqueueFailedError,
  IdempotencyConflictError,
  JobControlService,
  JobSubmissionService,
} from '@switchboard/queue';
import { ToolRegistry } from '@switchboard/tools';
import { ProblemException } from '../problems/problem';
import { toFieldErrors } from './field-errors';
import { toJobView, type JobView } from './job.view';
import { listJobsQuerySchema } from './list-jobs.query';
import { requestHash } from './request-hash';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** HTTP-facing job operations: validation, tenant scoping and problem mapping. */
@Injectable()
export class JobsService {
  constructor(
    private readonly records: JobRecordsRepository,
    private readonly submission: JobSubmissionService,
    private readonly control: JobControlService,
    private readonly budget: BudgetService,
    private readonly tools: ToolRegistry,
  ) {}

  async submit(
    tenantId: string,
    body: unknown,
    idempotencyKey?: string,
    traceId?: string,
    apiKeyId?: string,
  ): Promise<{ job: JobView; created: boolean }> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new ProblemException(
        400,
        'invalid-idempotency-key',
        'Idempotency-Key must be 1-255 visible ASCII characters.',
      );
    }
    const parsed = parseJobRequest(body);
    if (!parsed.ok) {
      const { problem } = parsed;
      if (problem.kind === 'unknown-role-or-tier') {
        throw new ProblemException(400, 'unknown-role-or-tier', problem.detail, {
          validRoles: problem.validRoles,
          validTiers: problem.validTiers,
        });
      }
      throw new ProblemException(422, 'invalid-input', toFieldErrors(problem.errors).detail, {
        errors: problem.errors,
      });
    }
    // A replay of an accepted request still gets its job back, budget or tools or not.
    const replay = idempotencyKey
      ? await this.records.findByIdempotencyKey(tenantId, idempotencyKey)
      : null;
    if (!replay) this.refuseToolsNotAllowed(parsed.request);
    if (!replay) await this.refuseIfBudgetExhausted(tenantId, apiKeyId);
    try {
      const { record, created } = await this.submission.submit(tenantId, parsed.request, {
        idempotencyKey,
        requestHash: requestHash(body),
        traceId,
        apiKeyId,
      });
      return { job: toJobView(record), created };
    } catch (error) {
      if (error instanceof IdempotencyConflictError) {
        throw new ProblemException(422, 'idempotency-key-reused', error.message, {
          jobId: error.existingJobId,
        });
      }
      if (error instanceof EnqueueFailedError) {
        throw new ProblemException(
          503,
          'queue-unavailable',
          'The queue is unavailable; nothing was created. Try again.',
        );
      }
      throw error;
    }
  }

  /** 403 when `allowedTools` names a tool the role may not use, or a non-local one privately. */
  private refuseToolsNotAllowed(request: JobRequest): void {
    const problem = this.tools.checkRequest(request);
    if (!problem) return;
    const { role, tier, privacy } = request;
    if (problem.kind === 'tool-not-allowed') {
      throw new ProblemException(
        403,
        'tool-not-allowed',
        `allowedTools: '${problem.pattern}' names no tool the ${role} role may use ` +
          '(GET /v1/tools?role=' +
          role +
          ' lists them).',
        { tool: problem.pattern, role },
      );
    }
    throw new ProblemException(
      403,
      'tool-not-private',
      `allowedTools: '${problem.pattern}' names only tools that reach beyond this machine; ` +
        `a ${privacy ? 'private' : `tier-${tier}`} job may use only local tools.`,
      { tool: problem.pattern, role },
    );
  }

  /**
   * 402 before anything is written when a hard tenant or key pool is already spent. Only a
   * fast path: a job that passes can still be refused call by call once the money runs out.
   */
  private async refuseIfBudgetExhausted(tenantId: string, apiKeyId?: string): Promise<void> {
    // Fails closed like the budget itself: unchecked, nothing is created.
    const status = await this.budget.exhaustedHardPool({ tenantId, apiKeyId }).catch(() => {
      throw new ProblemException(
        503,
        'budget-unavailable',
        'The budget could not be checked; nothing was created. Try again.',
      );
    });
    if (!status) return;
    const { pool } = status;
    const resetsAt = status.resetsAt?.toISOString() ?? null;
    throw new ProblemException(
      402,
      'budget-exhausted',
      `The ${pool.period} ${pool.scope} budget is spent (${microsToDollars(status.spentMicros)} ` +
        `of ${microsToDollars(pool.limitMicros)} USD); ` +
        (resetsAt ? `it resets at ${resetsAt}.` : 'it never resets; ask the operator.'),
      {
        poolId: pool.id,
        scope: pool.scope,
        period: pool.period,
        periodKey: status.periodKey,
        limitMicros: pool.limitMicros,
        limit: microsToDollars(pool.limitMicros),
        spentMicros: status.spentMicros,
        spent: microsToDollars(status.spentMicros),
        resetsAt,
      },
    );
  }

  async get(tenantId: string, id: string): Promise<JobView> {
    const record = await this.find(tenantId, id);
    return toJobView(record, await this.control.live(record));
  }

  async list(
    tenantId: string,
    query: unknown,
  ): Promise<{ data: JobView[]; nextCursor: string | null }> {
    const parsed = listJobsQuerySchema.safeParse(query);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((i) => ({
        field: i.path.join('.') || '(query)',
        message: i.message,
      }));
      throw new ProblemException(400, 'invalid-query', toFieldErrors(errors).detail, { errors });
    }
    const { cursor, tier, ...rest } = parsed.data;
    if (cursor && !decodeJobCursor(cursor)) {
      throw new ProblemException(400, 'invalid-query', 'The cursor is not one this API gave out.');
    }
    const page = await this.records.list(tenantId, {
      ...rest,
      tier: tier as Tier | undefined,
      cursor,
    });
    return { data: page.items.map((j) => toJobView(j)), nextCursor: page.nextCursor };
  }

  /**
   * `accepted` (202): the job had started, so its cancellation (its worker's, its children's)
   * completes after the answer, and the view says `cancelRequestedAt`. Otherwise (a waiting or
   * delayed job) it was cancelled on the spot (200).
   */
  async cancel(tenantId: string, id: string): Promise<{ job: JobView; accepted: boolean }> {
    const record = await this.find(tenantId, id);
    const outcome = await this.control.cancel(record);
    if (outcome === 'finished') {
      const now = await this.find(tenantId, id);
      throw new ProblemException(
        409,
        'job-finished',
        `The job has already finished (${now.status}).`,
      );
    }
    const started = record.status === 'active' || record.status === 'waiting_children';
    const job = await this.find(tenantId, id);
    return { job: toJobView(job), accepted: outcome === 'cancelling' || started };
  }

  async retry(tenantId: string, id: string): Promise<JobView> {
    const record = await this.find(tenantId, id);
    const outcome = await this.control.retry(record);
    if (outcome === 'not-failed') {
      // Read again: a concurrent retry may have claimed it since the first read.
      const now = record.status === 'failed' ? await this.find(tenantId, id) : record;
      throw new ProblemException(
        409,
        'job-not-failed',
        `Only failed jobs can be retried; this one is ${now.status}.`,
      );
    }
    return this.get(tenantId, id);
  }

  /** Another tenant's job and a missing job answer alike: 404, nothing leaked. */
  async find(tenantId: string, id: string): Promise<JobEntity> {
    const record = await this.records.findForTenant(tenantId, id);
    if (!record) throw new ProblemException(404, 'not-found', `No job ${id}.`);
    return record;
  }
}
