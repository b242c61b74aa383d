import type { JobStatus, Role, Tier } from '@switchboard/catalogue';

/** A job a cancel reaches: the one asked for, or one of its descendants. */
export interface CancelTarget {
  id: string;
  role: Role;
  tier: Tier;
  /** Its status when the cancel was accepted. */
  status: JobStatus;
  /** 0 for the job asked for, 1 for its children, and so on. */
  depth: number;
}

/**
 * $1 root id, $2 tenant, $3 finished statuses. Marks the root and its unfinished descendants
 * (bounded depth, so a corrupt parent link cannot loop) and returns them, parents first. The
 * descendants of a finished job are still walked: a failed parent may have left children.
 */
export const CANCEL_TREE_SQL = `
  WITH RECURSIVE tree(id, depth) AS (
    SELECT id, 0 FROM jobs WHERE id = $1 AND tenant_id = $2
    UNION ALL
    SELECT j.id, t.depth + 1 FROM jobs j JOIN tree t ON j.parent_id = t.id
     WHERE j.tenant_id = $2 AND t.depth < 32
  ), marked AS (
    UPDATE jobs
       SET cancel_requested_at = COALESCE(jobs.cancel_requested_at, now()), updated_at = now()
      FROM tree
     WHERE jobs.id = tree.id AND jobs.status <> ALL($3::varchar[])
    RETURNING jobs.id, jobs.role, jobs.tier, jobs.status, tree.depth
  )
  SELECT id, role, tier, status, depth FROM marked ORDER BY depth, id`;

/**
 * What a job has spent in one usage column: the sum of its logged LLM calls (partial streams
 * included: the figures its budget was settled with), at least `floor` (a SQL parameter).
 */
export const spentSql = (column: string, floor: string): string =>
  `GREATEST(${floor}::bigint, COALESCE(
     (SELECT sum(i.${column}) FROM llm_invocations i WHERE i.job_id = jobs.id), 0))`;

const spent = (column: string, param: number) => `${column} = ${spentSql(column, `$${param}`)}`;

/**
 * $1 id, $2 attempts made (null: unchanged), $3..$5 usage floor (input, output, cost), $6
 * finished statuses, $7 only if a cancel was requested.
 */
export const MARK_CANCELLED_SQL = `
  WITH done AS (
    UPDATE jobs
       SET status = 'cancelled', finished_at = now(), updated_at = now(),
           cancel_requested_at = COALESCE(cancel_requested_at, now()),
           attempts_made = COALESCE($2::integer, attempts_made),
           ${spent('input_tokens', 3)},
           ${spent('output_tokens', 4)},
           ${spent('cost_micros', 5)}
     WHERE id = $1 AND status <> ALL($6::varchar[])
       AND (NOT $7::boolean OR cancel_requested_at IS NOT NULL)
    RETURNING id
  )
  SELECT id FROM done`;
