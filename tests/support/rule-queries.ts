import { load } from 'js-yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHIPPED_PROMETHEUS_DIR } from './prometheus-server';

// The shipped alert and recording rules (prometheus/alerts.yml, recording-rules.yml), read as
// they are at test time.

export interface RuleQuery {
  kind: 'alert' | 'record';
  /** The alert name or the recorded series name. */
  name: string;
  group: string;
  file: string;
  expr: string;
  /** For failure messages: `alert QueueBacklogHigh` / `record queue:...`. */
  where: string;
}

interface RuleFile {
  groups?: { name: string; rules?: { alert?: string; record?: string; expr: string }[] }[];
}

export const RULE_FILES = ['alerts.yml', 'recording-rules.yml'];

/** Every rule of the shipped rule files; throws when a file has none. */
export function loadRuleQueries(dir = SHIPPED_PROMETHEUS_DIR): RuleQuery[] {
  return RULE_FILES.flatMap((file) => {
    const parsed = load(readFileSync(join(dir, file), 'utf8')) as RuleFile | null;
    const rules = (parsed?.groups ?? []).flatMap((group) =>
      (group.rules ?? []).map((rule): RuleQuery => {
        const kind = rule.alert ? 'alert' : 'record';
        const name = (rule.alert ?? rule.record)!;
        return { kind, name, group: group.name, file, expr: rule.expr, where: `${kind} ${name}` };
      }),
    );
    if (rules.length === 0) throw new Error(`prometheus/${file} has no rules`);
    return rules;
  });
}
