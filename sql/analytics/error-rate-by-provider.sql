-- Error rate by provider: which provider fails most?
-- Reads raw rows (llm_invocations) over a time range.
--
-- Parameters:
--   $1  timestamptz  from, inclusive
--   $2  timestamptz  to, exclusive
--
-- A failure is any attempt whose outcome is not 'ok', except 'cancelled': a cancellation is
-- the client's doing, not the provider's, so it is counted apart and left out of the rate.
-- 'failed_over' counts: the provider failed and the router had to go elsewhere.
-- Columns: provider, attempts (all, cancellations included), failures, cancelled,
--   error_rate (failures / (attempts - cancelled), 0-1), top_error_class (the most frequent
--   error_class among failures; NULL when none), top_error_class_count.
-- Ordered by error rate, highest first; ties by attempts, most first.
WITH per_provider AS (
  SELECT provider,
         count(*) AS attempts,
         count(*) FILTER (WHERE outcome NOT IN ('ok', 'cancelled')) AS failures,
         count(*) FILTER (WHERE outcome = 'cancelled') AS cancelled
    FROM llm_invocations
   WHERE created_at >= $1::timestamptz
     AND created_at < $2::timestamptz
   GROUP BY provider
),
error_classes AS (
  SELECT DISTINCT ON (provider) provider, error_class, count(*) AS n
    FROM llm_invocations
   WHERE created_at >= $1::timestamptz
     AND created_at < $2::timestamptz
     AND outcome NOT IN ('ok', 'cancelled')
     AND error_class IS NOT NULL
   GROUP BY provider, error_class
   ORDER BY provider, count(*) DESC, error_class
)
SELECT p.provider,
       p.attempts::bigint AS attempts,
       p.failures::bigint AS failures,
       p.cancelled::bigint AS cancelled,
       round(p.failures::numeric / NULLIF(p.attempts - p.cancelled, 0), 4) AS error_rate,
       e.error_class AS top_error_class,
       COALESCE(e.n, 0)::bigint AS top_error_class_count
  FROM per_provider p
  LEFT JOIN error_classes e USING (provider)
 ORDER BY error_rate DESC NULLS LAST, p.attempts DESC, p.provider;
