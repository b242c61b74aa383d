-- Cheapest successful tier by role: for each role, the lowest tier whose calls succeed often
-- enough, and what a success costs there. Reads the daily rollup (llm_invocations_daily).
--
-- Parameters:
--   $1  date     first UTC day, inclusive
--   $2  date     last UTC day, exclusive
--   $3  numeric  success-rate threshold, 0-1 (e.g. 0.95)
--   $4  integer  minimum finished calls for a tier to qualify, or NULL for 1
--
-- A routed call ends with exactly one attempt whose outcome is not 'failed_over', so
-- "finished calls" counts those attempts; cancelled ones are left out (they say nothing about
-- the tier). success_rate = ok calls / finished calls. Calls without a role are ignored.
-- Roles with no qualifying tier have no row.
-- Columns: role, tier, calls (finished), successes, success_rate (0-1),
--   avg_cost_micros (average cost of an ok attempt), cost_per_success_micros (everything
--   spent at that tier, failed and failed-over attempts included, per success),
--   avg_cost_usd (avg_cost_micros in dollars, display only).
WITH by_tier AS (
  SELECT role,
         tier,
         COALESCE(sum(calls) FILTER (WHERE outcome NOT IN ('failed_over', 'cancelled')), 0)
           AS calls,
         COALESCE(sum(calls) FILTER (WHERE outcome = 'ok'), 0) AS successes,
         COALESCE(sum(cost_micros) FILTER (WHERE outcome = 'ok'), 0) AS ok_cost_micros,
         sum(cost_micros) AS total_cost_micros
    FROM llm_invocations_daily
   WHERE day >= $1::date
     AND day < $2::date
     AND role <> ''
   GROUP BY role, tier
)
SELECT DISTINCT ON (role)
       role,
       tier,
       calls::bigint AS calls,
       successes::bigint AS successes,
       round(successes::numeric / calls, 4) AS success_rate,
       round(ok_cost_micros::numeric / NULLIF(successes, 0))::bigint AS avg_cost_micros,
       round(total_cost_micros::numeric / NULLIF(successes, 0))::bigint AS cost_per_success_micros,
       round(ok_cost_micros::numeric / NULLIF(successes, 0) / 1000000, 6) AS avg_cost_usd
  FROM by_tier
 WHERE calls > 0
   AND calls >= GREATEST(COALESCE($4::integer, 1), 1)
   AND successes::numeric / calls >= $3::numeric
 ORDER BY role, tier;
