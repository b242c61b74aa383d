import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { JobStepEntity } from '@switchboard/persistence';
import type { Repository } from 'typeorm';
import type { Step } from './step-journal';

/** The steps kept in Postgres: everything but LLM answers (those stay in Redis). */
export type DurableStep = Exclude<Step, { kind: 'llm' }>;

const KINDS: ReadonlySet<string> = new Set<DurableStep['kind']>(['send', 'spawn', 'once']);

/**
 * A job's durable steps in `job_steps`, one row per step position: each step is one small
 * write, so a long agent loop never grows the job's BullMQ payload. A `once` step is written
 * twice at its position (started, then done), hence the upsert.
 */
@Injectable()
export class JobStepsRepository {
  constructor(@InjectRepository(JobStepEntity) private readonly rows: Repository<JobStepEntity>) {}

  async save(jobId: string, position: number, step: DurableStep): Promise<void> {
    const { kind, ...data } = step;
    await this.rows.query(
      `INSERT INTO job_steps (job_id, position, kind, data)
       VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (job_id, position)
       DO UPDATE SET kind = EXCLUDED.kind, data = EXCLUDED.data, updated_at = now()`,
      [jobId, position, kind, JSON.stringify(data)],
    );
  }

  /** A completed job needs its steps no more. */
  async forget(jobId: string): Promise<void> {
    await this.rows.delete({ jobId });
  }

  /** The job's recorded steps, by position. */
  async load(jobId: string): Promise<Map<number, DurableStep>> {
    const rows = await this.rows.find({ where: { jobId }, order: { position: 'ASC' } });
    const steps = new Map<number, DurableStep>();
    for (const row of rows) {
      if (!KINDS.has(row.kind)) continue; // the table's check allows no other kind
      steps.set(row.position, { ...row.data, kind: row.kind } as DurableStep);
    }
    return steps;
  }
}
