import { POLICIES, type Policy } from './corpus-policies';
import type { SeededRandom } from './corpus-prng';
import { teamOf } from './corpus-services';
import {
  pairKey,
  type BuiltDocument,
  type ServiceFacts,
  type ServiceFailure,
} from './corpus-world';

export type QueryKind = 'identifier' | 'paraphrase' | 'keyword' | 'multi-hop';

export interface BuiltQuery {
  id: string;
  kind: QueryKind;
  text: string;
  relevant: Record<string, number>;
  /** The service's own name in a paraphrase query: allowed to appear in the answer. */
  nameWord?: string;
}

/** Grades every document with `grade(doc)`, keeping those above 0, best first. */
function graded(docs: BuiltDocument[], grade: (d: BuiltDocument) => number) {
  const hits = docs.map((d) => [d.id, grade(d)] as const).filter(([, g]) => g > 0);
  hits.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return Object.fromEntries(hits);
}

const isRunbook = (d: BuiltDocument, f: ServiceFailure) =>
  d.id === `rb-${f.service.id}-${f.mode.id}`;

/** An error code: the runbook answers; documents that define or cite the code rank below. */
function codeGrades(docs: BuiltDocument[], f: ServiceFailure) {
  return graded(docs, (d) => {
    if (isRunbook(d, f)) return 3;
    if (!d.facts.codes.includes(f.code)) return 0;
    return d.metadata.doc_type === 'api-reference' || d.metadata.doc_type === 'incident' ? 2 : 1;
  });
}

function keyGrades(docs: BuiltDocument[], f: ServiceFailure) {
  return graded(docs, (d) => {
    if (d.id === `cfg-${f.service.id}`) return 3;
    if (isRunbook(d, f)) return 2;
    return d.facts.configKeys.includes(f.configKey) ? 1 : 0;
  });
}

/** A (service, failure) question: the runbook answers; the postmortem and old runbook help. */
function pairGrades(docs: BuiltDocument[], f: ServiceFailure) {
  const pair = pairKey(f.service.id, f.mode.id);
  return graded(docs, (d) => {
    if (isRunbook(d, f)) return 3;
    const same = d.facts.service === f.service.id && d.facts.failure === f.mode.id;
    if (same) return 2; // the postmortem and the superseded runbook
    if (d.metadata.doc_type === 'playbook' && d.facts.failure === f.mode.id) return 1;
    return d.facts.mentions.includes(pair) ? 1 : 0;
  });
}

function policyGrades(docs: BuiltDocument[], p: Policy) {
  return graded(docs, (d) => {
    if (d.facts.policy === p.id) return 3;
    return d.facts.policy && p.related.includes(d.facts.policy) ? 1 : 0;
  });
}

export function buildQueries(
  world: ServiceFacts[],
  docs: BuiltDocument[],
  random: SeededRandom,
): BuiltQuery[] {
  const pairs = random.shuffle(world.flatMap((s) => s.failures));
  const take = (n: number) => pairs.splice(0, n);
  const policies = random.shuffle(POLICIES);
  const queries: Omit<BuiltQuery, 'id'>[] = [];
  const add = (
    kind: QueryKind,
    text: string,
    relevant: Record<string, number>,
    nameWord?: string,
  ) => queries.push({ kind, text, relevant, ...(nameWord ? { nameWord } : {}) });

  for (const f of take(14)) {
    const text = random.pick([
      `what does alert ${f.code} mean`,
      `${f.code} keeps firing`,
      `how do I fix ${f.code}`,
      `${f.code}`,
    ]);
    add('identifier', text, codeGrades(docs, f));
  }
  for (const f of take(8)) {
    const text = random.pick([`what does ${f.configKey} control`, `${f.configKey} default`]);
    add('identifier', text, keyGrades(docs, f));
  }
  for (const f of take(14))
    add('keyword', `${f.service.id} ${f.mode.keywords}`, pairGrades(docs, f));
  for (const p of policies.slice(0, 6)) add('keyword', p.keywordQuery, policyGrades(docs, p));
  for (const f of take(14)) {
    const phrase = random.pick(f.mode.paraphrases);
    const text = random.pick([`${f.service.word}: ${phrase}`, `${phrase} (${f.service.word})`]);
    add('paraphrase', text, pairGrades(docs, f), f.service.word);
  }
  for (const p of policies.slice(6, 12))
    add('paraphrase', p.paraphraseQuery, policyGrades(docs, p));
  addMultiHop(world, docs, take(10), add, random);
  return queries.map((q, i) => ({ id: `q${String(i + 1).padStart(3, '0')}`, ...q }));
}

function addMultiHop(
  world: ServiceFacts[],
  docs: BuiltDocument[],
  failures: ServiceFailure[],
  add: (kind: QueryKind, text: string, relevant: Record<string, number>) => void,
  random: SeededRandom,
): void {
  // Error code -> runbook (names the service) -> overview (names the team) -> team page.
  for (const f of failures.slice(0, 6)) {
    const team = teamOf(f.service);
    const text = random.pick([
      `who gets paged when ${f.code} fires`,
      `which on-call rotation handles ${f.code}`,
    ]);
    add(
      'multi-hop',
      text,
      graded(docs, (d) => {
        if (d.id === `team-${team.id}`) return 3;
        if (d.id === `svc-${f.service.id}` || isRunbook(d, f)) return 2;
        return d.id === 'pol-oncall-escalation' ? 1 : 0;
      }),
    );
  }
  // Error code -> runbook or API reference (names the service) -> overview (names the datastore).
  for (const f of failures.slice(6)) {
    add(
      'multi-hop',
      `which datastore backs the service that returns ${f.code}`,
      graded(docs, (d) => {
        if (d.id === `svc-${f.service.id}`) return 3;
        if (isRunbook(d, f) || d.id === `api-${f.service.id}`) return 2;
        return 0;
      }),
    );
  }
  // A service -> every overview that lists it as a dependency.
  const dependents = (id: string) => world.filter((s) => s.dependsOn.includes(id));
  const targets = world.filter((s) => dependents(s.service.id).length >= 2);
  for (const target of random.sample(targets, 4)) {
    const id = target.service.id;
    const callers = new Set(dependents(id).map((s) => `svc-${s.service.id}`));
    add(
      'multi-hop',
      `which services are degraded when ${id} is down`,
      graded(docs, (d) => {
        if (callers.has(d.id)) return 3;
        return d.id === `svc-${id}` ? 1 : 0;
      }),
    );
  }
}
