import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** Whose calls and which window: a pool's subject over its period (open ends: lifetime). */
export interface SpendWindow {
  tenantId: string;
  apiKeyId: string | null;
  from: Date | null;
  to: Date | null;
}

/**
 * What the invocation log says a tenant (or one of its keys) spent over a window: the ground
 * truth the reconciler holds Redis counters against. Rows count by `created_at`, the start of
 * the attempt, which is when its budget was reserved, so each lands in the same period.
 */
@Injectable()
export class InvocationSpend {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async sum(window: SpendWindow): Promise<number> {
    const [row] = await this.db.query<{ micros: string }[]>(
      `SELECT COALESCE(sum(cost_micros), 0)::text AS micros
         FROM llm_invocations
        WHERE tenant_id = $1
          AND ($2::uuid IS NULL OR api_key_id = $2::uuid)
          AND created_at >= COALESCE($3::timestamptz, '-infinity')
          AND created_at < COALESCE($4::timestamptz, 'infinity')`,
      [window.tenantId, window.apiKeyId, window.from, window.to],
    );
    return Number(row?.micros ?? 0);
  }
}
