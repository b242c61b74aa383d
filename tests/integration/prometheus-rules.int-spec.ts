import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';

// prometheus/: the scrape configuration, alert and recording rules, checked by promtool
// (Debian's prometheus package; .ci/run installs it), as `npm run check:prometheus` does, and
// every switchboard_ metric the rules read is one the code declares.
const ROOT = join(__dirname, '..', '..');
const DIR = join(ROOT, 'prometheus');
const RULE_FILES = ['prometheus/alerts.yml', 'prometheus/recording-rules.yml'];

function promtool(...args: string[]) {
  const run = spawnSync('promtool', args, { cwd: ROOT, encoding: 'utf8' });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Metric names declared in the code (`name: 'switchboard_...'` of prom-client metrics). */
function declaredMetrics(): Set<string> {
  const names = new Set<string>();
  for (const file of [...sourceFiles(join(ROOT, 'libs')), ...sourceFiles(join(ROOT, 'apps'))]) {
    for (const m of readFileSync(file, 'utf8').matchAll(/name: '(switchboard_\w+)'/g))
      names.add(m[1]);
  }
  return names;
}

interface RuleGroups {
  groups: { name: string; rules: { alert?: string; record?: string; expr: string }[] }[];
}
const rules = (path: string) =>
  (load(readFileSync(join(ROOT, path), 'utf8')) as RuleGroups).groups.flatMap((g) => g.rules);

describe('prometheus/ (promtool)', () => {
  it('promtool check config accepts prometheus.yml and the rule files it loads', () => {
    const run = promtool('check', 'config', 'prometheus/prometheus.yml');
    expect(run.output).toContain('SUCCESS: 2 rule files found');
    expect(run).toMatchObject({ status: 0 });
  });

  it('promtool check rules accepts the alert and recording rules', () => {
    const run = promtool('check', 'rules', ...RULE_FILES);
    expect(run.output).toContain('SUCCESS: 14 rules found');
    expect(run.output).toContain('SUCCESS: 17 rules found');
    expect(run).toMatchObject({ status: 0 });
  });

  it('promtool test rules passes every unit test', () => {
    const tests = readdirSync(join(DIR, 'tests'))
      .filter((name) => name.endsWith('.test.yml'))
      .map((name) => `prometheus/tests/${name}`);
    expect(tests.length).toBeGreaterThanOrEqual(2);
    const run = promtool('test', 'rules', ...tests);
    expect(run.output).not.toContain('FAILED');
    expect(run).toMatchObject({ status: 0 });
  });

  it('every alert has a firing case in the unit tests, and a severity, summary and for', () => {
    const tested = readFileSync(join(DIR, 'tests', 'alerts.test.yml'), 'utf8');
    const alerts = rules('prometheus/alerts.yml') as Record<string, any>[];
    expect(alerts.length).toBe(14);
    for (const alert of alerts) {
      expect(tested).toContain(`alertname: ${alert.alert}\n`);
      expect(alert).toMatchObject({
        for: expect.any(String),
        labels: { severity: expect.any(String) },
        annotations: { summary: expect.any(String), description: expect.any(String) },
      });
    }
  });

  it('the rules read only switchboard_ metrics the code declares', () => {
    const declared = declaredMetrics();
    const used = new Set<string>();
    for (const rule of RULE_FILES.flatMap(rules)) {
      // Recorded series (level:metric:operations) carry colons; raw names do not.
      for (const m of rule.expr.matchAll(/(?<![\w:])(switchboard_\w+)(?![\w:])/g)) {
        used.add(m[1].replace(/_(bucket|sum|count)$/, ''));
      }
    }
    expect(used.size).toBeGreaterThan(5);
    expect([...used].filter((name) => !declared.has(name))).toEqual([]);
  });
});
