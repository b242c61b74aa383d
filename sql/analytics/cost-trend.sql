-- Cost trend: what did LLM calls cost per day, week or month (optionally for one tier)?
-- Reads the daily rollup (llm_invocations_daily), so it is cheap over long ranges; the rollup
-- is refreshed every LLM_ROLLUP_INTERVAL_MS, so today's figures may lag by that much.
--
-- Parameters:
--   $1  text         bucket: 'day', 'week' (ISO weeks, from Monday) or 'month'
--   $2  date         first UTC day, inclusive
--   $3  date         last UTC day, exclusive
--   $4  smallint     tier 0-3, or NULL for all tiers
--
-- One row per bucket, with no gaps (buckets without calls show zeros). The first and last
-- bucket only count the days inside [$2, $3).
-- Columns: period (date, the bucket's first day), calls, input_tokens, output_tokens,
--   cached_input_tokens, cost_micros (integer micro-dollars), cost_usd (decimal, display only).
WITH buckets AS (
  SELECT generate_series(
           date_trunc($1::text, $2::date::timestamp),
           $3::date::timestamp - interval '1 day',
           ('1 ' || $1::text)::interval
         )::date AS period
),
totals AS (
  SELECT date_trunc($1::text, day::timestamp)::date AS period,
         sum(calls) AS calls,
         sum(input_tokens) AS input_tokens,
         sum(output_tokens) AS output_tokens,
         sum(cached_input_tokens) AS cached_input_tokens,
         sum(cost_micros) AS cost_micros
    FROM llm_invocations_daily
   WHERE day >= $2::date
     AND day < $3::date
     AND ($4::smallint IS NULL OR tier = $4::smallint)
   GROUP BY 1
)
SELECT b.period,
       COALESCE(t.calls, 0)::bigint AS calls,
       COALESCE(t.input_tokens, 0)::bigint AS input_tokens,
       COALESCE(t.output_tokens, 0)::bigint AS output_tokens,
       COALESCE(t.cached_input_tokens, 0)::bigint AS cached_input_tokens,
       COALESCE(t.cost_micros, 0)::bigint AS cost_micros,
       round(COALESCE(t.cost_micros, 0) / 1000000.0, 6) AS cost_usd
  FROM buckets b
  LEFT JOIN totals t USING (period)
 ORDER BY b.period;
