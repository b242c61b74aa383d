// Builds the labelled retrieval evaluation corpus (tests/fixtures/retrieval/eval) from a seed:
// no network, no model. Relevance grades come from how each document was built.
//   npx swc scripts/eval -d dist -q && node dist/scripts/eval/build-corpus.js [outDir]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpusProblems } from './corpus-checks';
import { FAILURE_MODES } from './corpus-failure-modes';
import { POLICIES } from './corpus-policies';
import { SeededRandom } from './corpus-prng';
import { buildQueries, type BuiltQuery } from './corpus-queries';
import { TEAMS } from './corpus-services';
import {
  apiDoc,
  changelogDoc,
  configDoc,
  incidentDoc,
  legacyRunbookDoc,
  overviewDoc,
  runbookDoc,
} from './corpus-service-docs';
import { opsReviewDoc, playbookDoc, policyDoc, teamDoc } from './corpus-shared-docs';
import { buildWorld, type BuiltDocument } from './corpus-world';

export const CORPUS_SEED = 20261203;
export const DEFAULT_CORPUS_DIR = join('tests', 'fixtures', 'retrieval', 'eval');

export interface Corpus {
  documents: BuiltDocument[];
  queries: BuiltQuery[];
}

export function buildCorpus(seed = CORPUS_SEED): Corpus {
  const random = new SeededRandom(seed);
  const world = buildWorld(random);
  const documents: BuiltDocument[] = [];
  for (const facts of world) {
    documents.push(overviewDoc(facts, random), apiDoc(facts, random), configDoc(facts, random));
    documents.push(changelogDoc(facts, random));
    for (const f of facts.failures) documents.push(runbookDoc(f, random), incidentDoc(f, random));
    documents.push(legacyRunbookDoc(random.pick(facts.failures), random));
  }
  for (const mode of FAILURE_MODES) documents.push(playbookDoc(mode, random));
  for (const policy of POLICIES) documents.push(policyDoc(policy, random));
  for (const team of TEAMS) documents.push(teamDoc(team, random));
  // Each review covers three postmortems; a postmortem is reviewed at most once.
  const reviewed = random.shuffle(world.flatMap((s) => s.failures));
  for (let week = 1; week <= 20; week++) {
    documents.push(opsReviewDoc(week, reviewed.slice(week * 3 - 3, week * 3), random));
  }
  const queries = buildQueries(world, documents, random);
  const problems = corpusProblems(documents, queries);
  if (problems.length) throw new Error(`corpus rules broken:\n${problems.join('\n')}`);
  return { documents, queries };
}

/** The two JSONL files, exactly as committed. */
export function renderCorpus(corpus: Corpus): { documents: string; queries: string } {
  const docs = corpus.documents.map(({ id, title, text, metadata }) =>
    JSON.stringify({ id, title, text, metadata }),
  );
  const queries = corpus.queries.map(({ id, kind, text, relevant }) =>
    JSON.stringify({ id, kind, text, relevant }),
  );
  return { documents: `${docs.join('\n')}\n`, queries: `${queries.join('\n')}\n` };
}

export function writeCorpus(dir: string, seed = CORPUS_SEED): Corpus {
  const corpus = buildCorpus(seed);
  const files = renderCorpus(corpus);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'documents.jsonl'), files.documents);
  writeFileSync(join(dir, 'queries.jsonl'), files.queries);
  return corpus;
}

if (require.main === module) {
  const dir = process.argv[2] ?? DEFAULT_CORPUS_DIR;
  const corpus = writeCorpus(dir);
  process.stdout.write(
    `wrote ${corpus.documents.length} documents and ${corpus.queries.length} queries to ${dir}\n`,
  );
}
