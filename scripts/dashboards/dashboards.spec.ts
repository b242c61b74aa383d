import { load } from 'js-yaml';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { PROVISIONED_UIDS } from './datasources';
import { promqlMetricNames } from './promql-metric-names';
import { buildDashboards, DASHBOARDS_DIR } from './render';

// The generated dashboards, checked without a Grafana server: datasources, queries, metric
// names against docs/metrics.md and the recording rules, the macros the queries may use, the
// provisioning files, and that the committed JSON is what the generator writes.

const ROOT = join(__dirname, '..', '..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

interface Target {
  refId?: string;
  datasource?: { uid?: string; type?: string };
  expr?: string;
  rawSql?: string;
  format?: string;
}
interface PanelJson {
  id?: number;
  type: string;
  title: string;
  datasource?: { uid?: string };
  targets?: Target[];
}

const dashboards = buildDashboards();
const panels = Object.entries(dashboards).flatMap(([file, dashboard]) =>
  (dashboard.panels as PanelJson[]).map((panel) => ({ file, panel })),
);
const promQueries = panels.flatMap(({ file, panel }) =>
  (panel.targets ?? [])
    .filter((t) => t.expr !== undefined)
    .map((t) => ({ file, panel, expr: t.expr! })),
);
const sqlQueries = panels.flatMap(({ file, panel }) =>
  (panel.targets ?? [])
    .filter((t) => t.rawSql !== undefined)
    .map((t) => ({ file, panel, target: t })),
);

/** `switchboard_*` names in docs/metrics.md (histograms bring their _bucket, _sum, _count). */
function documentedMetrics(): Set<string> {
  const names = [...read('docs/metrics.md').matchAll(/`(switchboard_[a-z0-9_]+)`/g)].map(
    (m) => m[1],
  );
  return new Set(names.flatMap((n) => [n, `${n}_bucket`, `${n}_sum`, `${n}_count`]));
}

function recordingRules(): Set<string> {
  const file = load(read('prometheus/recording-rules.yml')) as {
    groups: { rules: { record?: string }[] }[];
  };
  return new Set(file.groups.flatMap((g) => g.rules.flatMap((r) => (r.record ? [r.record] : []))));
}

function nodeDefaults(): Set<string> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const names = registry.getMetricsAsArray().map((m) => m.name);
  return new Set(names.flatMap((n) => [n, `${n}_bucket`, `${n}_sum`, `${n}_count`]));
}

describe('promqlMetricNames', () => {
  it('finds the selected series and skips functions, labels, groupings and numbers', () => {
    expect(
      promqlMetricNames(
        'histogram_quantile(0.95, sum by (provider, le) (rate(a_seconds_bucket{outcome=~"ok|x"}[$__rate_interval]))) * 3600 / 1e6',
      ),
    ).toEqual(['a_seconds_bucket']);
    expect(promqlMetricNames('max(b) / max(c > 0) and on (q) level:d:max offset 5m')).toEqual([
      'b',
      'c',
      'level:d:max',
    ]);
  });
});

describe('generated dashboards', () => {
  it('has the four dashboards, LLMOps with at least 10 panels', () => {
    expect(Object.keys(dashboards).sort()).toEqual([
      'budgets.json',
      'llmops.json',
      'provider-analytics.json',
      'queues-workers.json',
    ]);
    expect(dashboards['llmops.json'].panels!.length).toBeGreaterThanOrEqual(10);
    const uids = Object.values(dashboards).map((d) => d.uid);
    expect(new Set(uids).size).toBe(uids.length);
  });

  it('gives every panel a provisioned datasource, unique id, and at least one query on it', () => {
    for (const { file, panel } of panels) {
      const where = `${file} / ${panel.title}`;
      expect({ where, uid: panel.datasource?.uid }).toEqual({
        where,
        uid: expect.stringMatching(new RegExp(`^(${PROVISIONED_UIDS.join('|')})$`)),
      });
      expect({ where, hasQueries: (panel.targets?.length ?? 0) > 0 }).toEqual({
        where,
        hasQueries: true,
      });
      for (const target of panel.targets!) {
        expect({ where, uid: target.datasource?.uid, refId: target.refId }).toEqual({
          where,
          uid: panel.datasource!.uid,
          refId: expect.stringMatching(/^[A-Z]$/),
        });
        const isProm = target.datasource!.uid === 'prometheus';
        expect({ where, hasQuery: isProm ? !!target.expr : !!target.rawSql }).toEqual({
          where,
          hasQuery: true,
        });
      }
    }
    for (const dashboard of Object.values(dashboards)) {
      const ids = (dashboard.panels as PanelJson[]).map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('names in PromQL only documented metrics, Node defaults, exporter metrics and recording rules', () => {
    const documented = documentedMetrics();
    const rules = recordingRules();
    const defaults = nodeDefaults();
    const known = (name: string): boolean =>
      documented.has(name) ||
      rules.has(name) ||
      defaults.has(name) ||
      name === 'up' ||
      /^(redis|pg)_/.test(name);
    const unknown = promQueries.flatMap(({ file, panel, expr }) =>
      promqlMetricNames(expr)
        .filter((name) => !known(name))
        .map((name) => `${file} / ${panel.title}: ${name}`),
    );
    expect(unknown).toEqual([]);
    expect(promQueries.flatMap(({ expr }) => promqlMetricNames(expr)).length).toBeGreaterThan(0);
  });

  it('uses only $__rate_interval, $__interval and $__range in PromQL, and no tenant label', () => {
    for (const { file, panel, expr } of promQueries) {
      const variables = [...expr.matchAll(/\$\{?(\w+)/g)].map((m) => m[1]);
      expect({ where: `${file} / ${panel.title}`, variables }).toEqual({
        where: `${file} / ${panel.title}`,
        variables: variables.filter((v) =>
          ['__rate_interval', '__interval', '__range'].includes(v),
        ),
      });
      const tenantGauge = /switchboard_budget_pool_(spend|limit|reserved)_microdollars/.test(expr);
      if (!tenantGauge) expect(expr).not.toMatch(/tenant/);
    }
  });

  it('uses only the allowed macros in SQL, with a table or time series format', () => {
    const allowed = /^\$__(timeFilter|timeFrom|timeTo|timeGroupAlias)\(/;
    expect(sqlQueries.length).toBeGreaterThan(0);
    for (const { file, panel, target } of sqlQueries) {
      const where = `${file} / ${panel.title}`;
      const macros = [...target.rawSql!.matchAll(/\$\{?[\w]+\(?/g)].map((m) => m[0]);
      expect({ where, macros: macros.filter((m) => !allowed.test(m)) }).toEqual({
        where,
        macros: [],
      });
      expect({ where, format: target.format }).toEqual({
        where,
        format: expect.stringMatching(/^(table|time_series)$/),
      });
      if (target.format === 'time_series') {
        expect(target.rawSql).toMatch(/\$__timeGroupAlias\(|\bAS time\b/);
      }
    }
    // The LLMOps dashboard reads both the invocation log and its rollup.
    const llmopsSql = sqlQueries
      .filter((q) => q.file === 'llmops.json')
      .map((q) => q.target.rawSql);
    expect(llmopsSql.some((s) => /\bllm_invocations\b/.test(s!))).toBe(true);
    expect(llmopsSql.some((s) => /\bllm_invocations_daily\b/.test(s!))).toBe(true);
  });

  // Byte for byte (Prettier's formatting included) is `npm run check:dashboards`; Prettier's
  // API cannot load under Jest, so this compares the parsed JSON.
  it('is committed as the generator builds it', () => {
    const committed = readdirSync(join(ROOT, DASHBOARDS_DIR)).filter((f) => f.endsWith('.json'));
    expect(committed.sort()).toEqual(Object.keys(dashboards).sort());
    for (const [file, dashboard] of Object.entries(dashboards)) {
      expect({ file, json: JSON.parse(read(join(DASHBOARDS_DIR, file))) as unknown }).toEqual({
        file,
        json: JSON.parse(JSON.stringify(dashboard)) as unknown,
      });
    }
  });
});

describe('grafana provisioning', () => {
  const compose = load(read('docker-compose.prod.yml')) as {
    services: { grafana: { volumes: string[] } };
  };
  const mounts = Object.fromEntries(
    compose.services.grafana.volumes.map((v) => {
      const [source, target] = v.split(':');
      return [source, target];
    }),
  );

  it('provisions the two datasources with the uids the panels use, PostgreSQL from the env', () => {
    const file = load(read('grafana/provisioning/datasources/switchboard.yml')) as {
      apiVersion: number;
      datasources: {
        uid: string;
        type: string;
        url: string;
        user?: string;
        jsonData?: Record<string, unknown>;
        secureJsonData?: Record<string, string>;
      }[];
    };
    expect(file.apiVersion).toBe(1);
    const byUid = Object.fromEntries(file.datasources.map((d) => [d.uid, d]));
    expect(Object.keys(byUid).sort()).toEqual([...PROVISIONED_UIDS].sort());
    expect(byUid.prometheus).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090' });
    const pg = byUid['switchboard-postgres'];
    expect(pg.type).toBe('grafana-postgresql-datasource');
    for (const value of [pg.url, pg.user, pg.jsonData?.database, pg.secureJsonData?.password]) {
      expect(value).toMatch(/^\$\{[A-Z_]+\}$/);
    }
    // Every variable the file reads is in the env template the compose service loads.
    const template = read('deploy/env/grafana.env.example');
    const used = [
      ...read('grafana/provisioning/datasources/switchboard.yml').matchAll(/\$\{(\w+)\}/g),
    ];
    expect(used.length).toBeGreaterThan(0);
    for (const [, name] of used) expect(template).toMatch(new RegExp(`^${name}=`, 'm'));
    expect(mounts['./grafana/provisioning']).toBe('/etc/grafana/provisioning');
  });

  it('loads the dashboards from the directory compose mounts grafana/dashboards at', () => {
    const file = load(read('grafana/provisioning/dashboards/switchboard.yml')) as {
      apiVersion: number;
      providers: { type: string; options: { path: string } }[];
    };
    expect(file.apiVersion).toBe(1);
    expect(file.providers).toHaveLength(1);
    expect(file.providers[0].type).toBe('file');
    expect(file.providers[0].options.path).toBe(mounts['./grafana/dashboards']);
    expect(existsSync(join(ROOT, 'grafana/dashboards'))).toBe(true);
  });
});
