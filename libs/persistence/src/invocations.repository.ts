import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { LlmInvocationEntity } from './entities/llm-invocation.entity';
import { INVOCATION_COLUMNS, invocationColumns } from './invocation-columns';
import type { InvocationRow } from './invocation-row';

const COLUMN_LIST = INVOCATION_COLUMNS.map(([name]) => name).join(', ');
const UNNEST_ARGS = INVOCATION_COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
const UPDATABLE = INVOCATION_COLUMNS.map(([name]) => name).filter((n) => n !== 'invocation_id');
/**
 * A row whose attempt is logged already is skipped (a redelivered entry), except that a call's
 * real row replaces the `lost` row charged when its process was thought dead.
 */
const INSERT_SQL = `INSERT INTO llm_invocations AS i (${COLUMN_LIST})
  SELECT * FROM unnest(${UNNEST_ARGS})
  ON CONFLICT (invocation_id) DO UPDATE
     SET ${UPDATABLE.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}
   WHERE i.outcome = 'lost' AND EXCLUDED.outcome <> 'lost'`;

/** One row per attempt id within a batch (an upsert cannot touch a row twice); real beats lost. */
export function onePerAttempt(rows: readonly InvocationRow[]): InvocationRow[] {
  const byId = new Map<string, InvocationRow>();
  const out: InvocationRow[] = [];
  for (const row of rows) {
    if (!row.id) {
      out.push(row);
      continue;
    }
    const seen = byId.get(row.id);
    if (!seen || (seen.outcome === 'lost' && row.outcome !== 'lost')) byId.set(row.id, row);
  }
  return [...out, ...byId.values()];
}

const DIMENSIONS = 'day, tenant_id, role, tier, provider, model, outcome';
const MEASURES = [
  'calls',
  'input_tokens',
  'output_tokens',
  'cached_input_tokens',
  'cost_micros',
  'latency_ms_sum',
  'latency_ms_p50',
  'latency_ms_p95',
  'latency_ms_p99',
  'ttft_ms_p50',
  'ttft_ms_p95',
  'ttft_ms_p99',
  'refreshed_at',
];

/**
 * Recomputes whole UTC days ($1..$2 inclusive) from raw rows. Upsert only, never delete: the
 * rollup is meant to outlive the raw rows' retention. Percentiles are exact per group
 * (percentile_disc: a latency that was really observed).
 */
const ROLLUP_SQL = `
  WITH upserted AS (
    INSERT INTO llm_invocations_daily AS d (${DIMENSIONS}, ${MEASURES.join(', ')})
    SELECT (created_at AT TIME ZONE 'UTC')::date,
           COALESCE(tenant_id, '00000000-0000-0000-0000-000000000000'::uuid),
           COALESCE(role, ''),
           tier, provider, model, outcome,
           count(*),
           sum(input_tokens), sum(output_tokens), sum(cached_input_tokens), sum(cost_micros),
           sum(latency_ms),
           percentile_disc(0.5) WITHIN GROUP (ORDER BY latency_ms),
           percentile_disc(0.95) WITHIN GROUP (ORDER BY latency_ms),
           percentile_disc(0.99) WITHIN GROUP (ORDER BY latency_ms),
           percentile_disc(0.5) WITHIN GROUP (ORDER BY ttft_ms),
           percentile_disc(0.95) WITHIN GROUP (ORDER BY ttft_ms),
           percentile_disc(0.99) WITHIN GROUP (ORDER BY ttft_ms),
           now()
      FROM llm_invocations
     WHERE created_at >= $1::date::timestamp AT TIME ZONE 'UTC'
       AND created_at < ($2::date + 1)::timestamp AT TIME ZONE 'UTC'
     GROUP BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (${DIMENSIONS}) DO UPDATE
       SET ${MEASURES.map((m) => `${m} = EXCLUDED.${m}`).join(', ')}
    RETURNING 1
  )
  SELECT count(*)::int AS upserted FROM upserted`;

const utcDay = (date: Date) => date.toISOString().slice(0, 10);

/** Writes of the LLM invocation log and its daily rollup. */
@Injectable()
export class InvocationsRepository {
  constructor(
    @InjectRepository(LlmInvocationEntity)
    private readonly invocations: Repository<LlmInvocationEntity>,
  ) {}

  /** One INSERT statement (one round trip) for the whole batch; idempotent per attempt id. */
  async insertMany(rows: readonly InvocationRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.invocations.manager.query(INSERT_SQL, invocationColumns(onePerAttempt(rows)));
  }

  /**
   * Recomputes the rollup of the UTC days from `fromDay` to `toDay` (inclusive; default: the
   * same day) and returns how many rollup rows were written. Idempotent.
   */
  async refreshDailyRollup(fromDay: Date, toDay: Date = fromDay): Promise<number> {
    return this.invocations.manager.transaction(async (tx) => {
      // Concurrent refreshes would upsert the same keys in different orders and could
      // deadlock; serialise them per schema (the lock ends with the transaction).
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.rollup'))`);
      const [result] = await tx.query<{ upserted: number }[]>(ROLLUP_SQL, [
        utcDay(fromDay),
        utcDay(toDay),
      ]);
      return result?.upserted ?? 0;
    });
  }
}
