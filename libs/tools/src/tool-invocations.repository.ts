import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** One row of `tool_invocations`: a tool call of a job's tool loop. */
export interface ToolInvocationRow {
  tenantId: string;
  jobId: string;
  tool: string;
  server: string;
  turn: number;
  durationMs: number;
  outcome: string;
  errorClass: string | null;
  argumentBytes: number;
  resultBytes: number;
  /** Kept only when TOOLS_LOG_ARGUMENTS is set. */
  arguments: unknown;
}

/** The tools lib's own table: written here, read by whoever reports on tool use. */
@Injectable()
export class ToolInvocationsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(row: ToolInvocationRow): Promise<void> {
    await this.db.query(
      `INSERT INTO tool_invocations (tenant_id, job_id, tool, server, turn, duration_ms,
         outcome, error_class, argument_bytes, result_bytes, arguments)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        row.tenantId,
        row.jobId,
        row.tool.slice(0, 128),
        row.server.slice(0, 64),
        row.turn,
        Math.round(row.durationMs),
        row.outcome,
        row.errorClass?.slice(0, 64) ?? null,
        row.argumentBytes,
        row.resultBytes,
        row.arguments === undefined ? null : JSON.stringify(row.arguments),
      ],
    );
  }
}
