// The metric (and recording-rule) names a PromQL expression selects. Enough of PromQL for the
// dashboards' queries: label matchers, grouping lists, range selectors, strings, numbers,
// functions, aggregations and keywords are skipped; whatever identifier is left is a name.

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
]);

export function promqlMetricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$__\w+/g, ' ');
  const names = new Set<string>();
  // A number or a duration (0.95, 1e6, 1e+6, 5m) starts with a digit.
  const token = /(\d[\w.]*(?:[eE][+-]\d+)?)|([A-Za-z_:][\w:]*)(\s*\()?/g;
  for (const match of stripped.matchAll(token)) {
    const [, number, identifier, call] = match;
    if (number !== undefined || identifier === undefined) continue;
    // A function or an aggregation (`sum by (x) (...)` is `sum (...)` once the list is gone).
    if (call !== undefined || KEYWORDS.has(identifier.toLowerCase())) continue;
    names.add(identifier);
  }
  return [...names];
}
