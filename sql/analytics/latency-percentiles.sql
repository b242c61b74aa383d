-- Latency percentiles: how long do LLM call attempts take, by tier and by provider?
-- Reads raw rows (llm_invocations): percentiles cannot be added up from daily figures.
--
-- Parameters:
--   $1  timestamptz  from, inclusive
--   $2  timestamptz  to, exclusive
--   $3  varchar      only attempts with this outcome (e.g. 'ok'), or NULL for every attempt
--
-- Two groups of rows: dimension = 'tier' (one row per tier, provider NULL), then
-- dimension = 'provider' (one row per provider, tier NULL).
-- Columns: dimension, tier, provider, attempts, latency_ms_p50/p95/p99 (start to end of the
--   attempt), ttft_ms_p50/p95/p99 (time to first token; streams only, NULL when none).
-- Percentiles are percentile_disc: each one is a latency that was actually observed.
SELECT CASE WHEN GROUPING(tier) = 0 THEN 'tier' ELSE 'provider' END AS dimension,
       tier,
       provider,
       count(*)::bigint AS attempts,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY latency_ms) AS latency_ms_p50,
       percentile_disc(0.95) WITHIN GROUP (ORDER BY latency_ms) AS latency_ms_p95,
       percentile_disc(0.99) WITHIN GROUP (ORDER BY latency_ms) AS latency_ms_p99,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY ttft_ms) AS ttft_ms_p50,
       percentile_disc(0.95) WITHIN GROUP (ORDER BY ttft_ms) AS ttft_ms_p95,
       percentile_disc(0.99) WITHIN GROUP (ORDER BY ttft_ms) AS ttft_ms_p99
  FROM llm_invocations
 WHERE created_at >= $1::timestamptz
   AND created_at < $2::timestamptz
   AND ($3::varchar IS NULL OR outcome = $3::varchar)
 GROUP BY GROUPING SETS ((tier), (provider))
 ORDER BY GROUPING(tier), tier, provider;
