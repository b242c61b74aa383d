import type { BuiltQuery } from './corpus-queries';
import { wordCount, type BuiltDocument } from './corpus-world';

const STOPWORDS = new Set(
  (
    'a an the and or but of to in on at by for from with without into onto about as is are was ' +
    'were be been being it its this that these those we our us they them their he she his her ' +
    'i me my you your do does did so then than too very can cannot could should would will ' +
    'what which who whom how when why where after before during while once if not no nothing ' +
    'anything everything everyone everybody someone all any each every more most many lots ' +
    'up down out off over again get gets got keep keeps one another other just because since'
  ).split(' '),
);

/** Crude stemming so that `sessions` and `session` count as the same word. */
function stem(word: string): string {
  return word.length > 3 && word.endsWith('s') ? word.slice(0, -1) : word;
}

export function contentWords(text: string): Set<string> {
  const words = text.toLowerCase().split(/[^a-z0-9]+/);
  return new Set(words.filter((w) => w && !STOPWORDS.has(w)).map(stem));
}

/**
 * Words of a paraphrase query (other than the service's own name) that also occur in a
 * document graded 3 for it. The generator refuses to write a corpus where this is not empty.
 */
export function paraphraseLeaks(
  query: BuiltQuery,
  docs: ReadonlyMap<string, BuiltDocument>,
  allowed: ReadonlySet<string>,
): string[] {
  const leaks = new Set<string>();
  for (const [docId, grade] of Object.entries(query.relevant)) {
    if (grade < 3) continue;
    const docWords = contentWords(`${docs.get(docId)?.title} ${docs.get(docId)?.text}`);
    for (const w of contentWords(query.text)) if (!allowed.has(w) && docWords.has(w)) leaks.add(w);
  }
  return [...leaks].sort();
}

/** Problems with a generated corpus; empty when it satisfies the construction rules. */
export function corpusProblems(docs: BuiltDocument[], queries: BuiltQuery[]): string[] {
  const problems: string[] = [];
  const byId = new Map(docs.map((d) => [d.id, d]));
  if (byId.size !== docs.length) problems.push('duplicate document ids');
  for (const d of docs) {
    const words = wordCount(d.text);
    if (words < 80 || words > 400) problems.push(`${d.id} has ${words} words`);
  }
  for (const q of queries) {
    const grades = Object.entries(q.relevant);
    if (!grades.some(([, g]) => g === 3)) problems.push(`${q.id} has no grade-3 document`);
    for (const [id] of grades) if (!byId.has(id)) problems.push(`${q.id} names unknown ${id}`);
    if (q.kind !== 'paraphrase') continue;
    const allowed = contentWords(q.nameWord ?? '');
    const leaks = paraphraseLeaks(q, byId, allowed);
    if (leaks.length) problems.push(`${q.id} "${q.text}" shares ${leaks.join(', ')}`);
  }
  return problems;
}
