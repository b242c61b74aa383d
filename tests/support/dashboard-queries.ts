import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// Every query of every panel of the shipped Grafana dashboards (grafana/dashboards/*.json, as
// they are at test time), with Grafana's interval variables and SQL macros substituted so
// Prometheus and PostgreSQL can run them as Grafana would.

const ROOT = join(__dirname, '..', '..');
export const DASHBOARDS_DIR = join(ROOT, 'grafana', 'dashboards');

export interface PanelQuery {
  dashboard: string;
  panel: string;
  refId: string;
  /** Where it came from, for failure messages: `dashboard / panel [refId]`. */
  where: string;
  kind: 'promql' | 'sql';
  /** As written in the dashboard. */
  raw: string;
  /** Ready to run: variables and macros substituted. */
  query: string;
}

interface GrafanaPanel {
  title?: string;
  type?: string;
  targets?: { refId?: string; expr?: string; rawSql?: string; hide?: boolean }[];
  panels?: GrafanaPanel[];
}

/** What Grafana substitutes in PromQL; the scrape interval in the test is 1 s. */
export const PROMQL_INTERVALS: Record<string, string> = {
  $__rate_interval: '1m',
  $__interval: '15s',
  $__range: '1h',
};

/** Every panel query of every dashboard JSON file; throws when there is none. */
export function loadDashboardQueries(
  dir = DASHBOARDS_DIR,
  range: { from: Date; to: Date } = defaultRange(),
): PanelQuery[] {
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    /* missing: reported below */
  }
  if (files.length === 0) {
    throw new Error(`no Grafana dashboards (*.json) in ${dir}: nothing to verify`);
  }
  const queries: PanelQuery[] = [];
  for (const file of files.sort()) {
    const json = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
      title?: string;
      dashboard?: { title?: string; panels?: GrafanaPanel[] };
      panels?: GrafanaPanel[];
    };
    const dashboard = json.dashboard ?? json; // a provisioning file or a bare dashboard
    const title = dashboard.title ?? file;
    for (const panel of flattenPanels(dashboard.panels ?? [])) {
      for (const target of panel.targets ?? []) {
        if (target.hide) continue;
        const refId = target.refId ?? '?';
        const base = { dashboard: title, panel: panel.title ?? '(untitled)', refId };
        const where = `${title} / ${base.panel} [${refId}]`;
        if (typeof target.expr === 'string' && target.expr.trim()) {
          const query = substitutePromql(target.expr);
          queries.push({ ...base, where, kind: 'promql', raw: target.expr, query });
        } else if (typeof target.rawSql === 'string' && target.rawSql.trim()) {
          const query = substituteSqlMacros(target.rawSql, range);
          queries.push({ ...base, where, kind: 'sql', raw: target.rawSql, query });
        } else {
          throw new Error(`${where}: a target with neither expr nor rawSql`);
        }
      }
    }
  }
  if (queries.length === 0) throw new Error(`the dashboards in ${dir} have no panel queries`);
  return queries;
}

function defaultRange(): { from: Date; to: Date } {
  const to = new Date(Date.now() + 60_000); // rows written up to now are inside
  return { from: new Date(to.getTime() - 6 * 3_600_000), to };
}

/** Row panels hold their panels when collapsed. */
function flattenPanels(panels: GrafanaPanel[]): GrafanaPanel[] {
  return panels.flatMap((p) => [p, ...flattenPanels(p.panels ?? [])]);
}

/** Grafana's interval variables in PromQL; any other `$` left is an error. */
export function substitutePromql(expr: string): string {
  let out = expr;
  // Longest names first: $__rate_interval before $__interval... (distinct anyway), and the
  // braced form ${__range}.
  for (const [name, value] of Object.entries(PROMQL_INTERVALS)) {
    out = out
      .split(`\${${name.slice(1)}}`)
      .join(value)
      .split(name)
      .join(value);
  }
  if (/\$(?!\d)/.test(out.replace(/\{\{[^}]*\}\}/g, ''))) {
    throw new Error(`unsupported Grafana variable in PromQL: ${expr}`);
  }
  return out;
}

/** Seconds of a Grafana interval argument: `'5m'`, `1h`, `$__interval`, `30s`, `1d`. */
function intervalSeconds(arg: string): number {
  const text = arg.trim().replace(/^'(.*)'$/, '$1');
  if (text === '$__interval' || text === '${__interval}') return 60;
  const match = /^(\d+)(ms|s|m|h|d|w)$/.exec(text);
  if (!match) throw new Error(`unsupported interval in a SQL macro: ${arg}`);
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }[match[2]]!;
  return Number(match[1]) * unit;
}

/** The arguments of a macro call starting at `open` (the `(`), split at top-level commas. */
function macroArgs(sql: string, open: number): { args: string[]; end: number } {
  let depth = 0;
  let quote = false;
  let start = open + 1;
  const args: string[] = [];
  for (let i = open; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'") quote = !quote;
    if (quote) continue;
    if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) {
        args.push(sql.slice(start, i));
        return { args: args.map((a) => a.trim()).filter((a, j) => a || j > 0), end: i + 1 };
      }
    } else if (c === ',' && depth === 1) {
      args.push(sql.slice(start, i));
      start = i + 1;
    }
  }
  throw new Error(`unbalanced macro call in SQL: ${sql.slice(open - 20, open + 40)}`);
}

/**
 * Grafana's PostgreSQL macros, as Grafana expands them: `$__timeFilter(col)`,
 * `$__timeFrom()`, `$__timeTo()`, `$__timeGroup(col, interval)` and
 * `$__timeGroupAlias(col, interval)`. Any other `$` macro or variable is an error.
 */
export function substituteSqlMacros(sql: string, range: { from: Date; to: Date }): string {
  const from = `'${range.from.toISOString()}'`;
  const to = `'${range.to.toISOString()}'`;
  const expand: Record<string, (args: string[]) => string> = {
    timeFilter: ([col]) => `${col} BETWEEN ${from} AND ${to}`,
    timeFrom: () => from,
    timeTo: () => to,
    timeGroup: ([col, interval]) =>
      `floor(extract(epoch from ${col})/${intervalSeconds(interval)})*${intervalSeconds(interval)}`,
    timeGroupAlias: ([col, interval]) =>
      `floor(extract(epoch from ${col})/${intervalSeconds(interval)})*${intervalSeconds(interval)} AS "time"`,
  };
  let out = '';
  let i = 0;
  const pattern = /\$__([A-Za-z]+)\s*\(/g;
  for (let m = pattern.exec(sql); m; m = pattern.exec(sql)) {
    const macro = expand[m[1]];
    if (!macro) throw new Error(`unsupported Grafana SQL macro $__${m[1]} in: ${sql}`);
    const { args, end } = macroArgs(sql, m.index + m[0].length - 1);
    out += sql.slice(i, m.index) + macro(args);
    i = end;
    pattern.lastIndex = end;
  }
  out += sql.slice(i);
  if (/\$(?!\d)/.test(out.replace(/'[^']*'/g, ''))) {
    throw new Error(`unsupported Grafana variable in SQL: ${sql}`);
  }
  return out;
}
