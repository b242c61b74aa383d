import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { CostSources } from './cost-sources';
import type { CostGroup, CostRange } from './costs-query';

export interface CostRow {
  key: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costMicros: number;
}

/** The grouping key in the rollup (`day` is a date there) and in raw rows (a timestamptz). */
const KEYS: Record<CostGroup, { rollup: string; raw: string }> = {
  day: {
    rollup: `to_char(day, 'YYYY-MM-DD')`,
    raw: `to_char((created_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD')`,
  },
  tier: { rollup: 'tier::text', raw: 'tier::text' },
  provider: { rollup: 'provider', raw: 'provider' },
  model: { rollup: 'model', raw: 'model' },
  // The rollup stores a missing role as ''; raw rows as NULL.
  role: { rollup: `COALESCE(NULLIF(role, ''), '(none)')`, raw: `COALESCE(role, '(none)')` },
  // `lost`: calls charged at their worst case because their process died (docs/budgets.md).
  outcome: { rollup: 'outcome', raw: 'outcome' },
};

/** Reads of spend for GET /v1/costs: the rollup for sealed days, raw rows for the others. */
@Injectable()
export class CostsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The latest refresh of each day's rollup in the range (all tenants: see costSources). */
  async rollupRefreshes(range: CostRange): Promise<Map<string, Date>> {
    const rows = await this.db.query<{ day: string; refreshed_at: Date }[]>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, max(refreshed_at) AS refreshed_at
         FROM llm_invocations_daily
        WHERE day BETWEEN $1::date AND $2::date
        GROUP BY day`,
      [range.from, range.to],
    );
    return new Map(rows.map((r) => [r.day, new Date(r.refreshed_at)]));
  }

  /**
   * Spend of one tenant grouped by `group`. The two parts read disjoint sets of days (the
   * raw part skips every day the rollup part reads), so no call is counted twice.
   */
  async spend(tenantId: string, sources: CostSources, group: CostGroup): Promise<CostRow[]> {
    const key = KEYS[group];
    // The raw part scans [first raw day, last raw day] on the (tenant_id, created_at) index.
    const rawFrom = sources.raw[0] ?? '1970-01-01';
    const rawTo = sources.raw.at(-1) ?? '1969-12-31';
    const rows = await this.db.query<Record<string, string>[]>(
      `WITH parts AS (
         SELECT ${key.rollup} AS key, calls, input_tokens, output_tokens, cost_micros
           FROM llm_invocations_daily
          WHERE tenant_id = $1 AND day = ANY($2::date[])
         UNION ALL
         SELECT ${key.raw} AS key, 1, input_tokens, output_tokens, cost_micros
           FROM llm_invocations
          WHERE tenant_id = $1
            AND created_at >= $3::date::timestamp AT TIME ZONE 'UTC'
            AND created_at < ($4::date + 1)::timestamp AT TIME ZONE 'UTC'
            AND (created_at AT TIME ZONE 'UTC')::date <> ALL($2::date[])
       )
       SELECT key, sum(calls)::text AS calls, sum(input_tokens)::text AS input_tokens,
              sum(output_tokens)::text AS output_tokens, sum(cost_micros)::text AS cost_micros
         FROM parts
        GROUP BY key
        ORDER BY ${group === 'day' || group === 'tier' ? 'key' : 'sum(cost_micros) DESC, key'}`,
      [tenantId, sources.rollup, rawFrom, rawTo],
    );
    return rows.map((r) => ({
      key: r.key,
      calls: Number(r.calls),
      inputTokens: Number(r.input_tokens),
      outputTokens: Number(r.output_tokens),
      costMicros: Number(r.cost_micros),
    }));
  }
}
