import { Injectable } from '@nestjs/common';
import { toFieldProblems } from '@switchboard/catalogue';
import { JobRecordsRepository, type JobEntity } from '@switchboard/persistence';
import { JobControlService } from '@switchboard/queue';
import { ProblemException } from '../problems/problem';
import { toFieldErrors } from '../jobs/field-errors';
import { parseReplayRequest } from './replay-request';

export interface ReplayReport {
  replayed: string[];
  skipped: { id: string; reason: string }[];
}

/** The dead-letter view: a tenant's failed jobs, and replaying them in bulk. */
@Injectable()
export class DlqService {
  constructor(
    private readonly records: JobRecordsRepository,
    private readonly control: JobControlService,
  ) {}

  async replay(tenantId: string, body: unknown): Promise<ReplayReport> {
    const parsed = parseReplayRequest(body ?? {});
    if (!parsed.success) {
      const errors = toFieldProblems(parsed.error);
      throw new ProblemException(422, 'invalid-input', toFieldErrors(errors).detail, { errors });
    }
    const request = parsed.data;
    const ids =
      'ids' in request
        ? request.ids
        : (
            await this.records.list(tenantId, {
              status: 'failed',
              role: request.role,
              tier: request.tier,
              limit: request.limit,
            })
          ).items.map((j) => j.id);
    const report: ReplayReport = { replayed: [], skipped: [] };
    for (const id of ids) {
      const record = await this.records.findForTenant(tenantId, id);
      if (!record) report.skipped.push({ id, reason: 'not-found' });
      else if ((await this.control.retry(record)) === 'retried') report.replayed.push(id);
      else report.skipped.push({ id, reason: `not failed (${await this.statusNow(record)})` });
    }
    return report;
  }

  /** A job read as failed but not replayed here was claimed meanwhile by another replay. */
  private async statusNow(record: JobEntity): Promise<string> {
    if (record.status !== 'failed') return record.status;
    return (await this.records.findById(record.id))?.status ?? 'not-found';
  }
}
