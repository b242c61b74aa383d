import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCorpus, DEFAULT_CORPUS_DIR, writeCorpus } from './build-corpus';
import { contentWords } from './corpus-checks';
import { FAILURE_MODES } from './corpus-failure-modes';
import { POLICIES } from './corpus-policies';
import { SeededRandom } from './corpus-prng';
import { SERVICES } from './corpus-services';
import { runbookDoc } from './corpus-service-docs';
import { policyDoc } from './corpus-shared-docs';

const committed = (name: string) =>
  readFileSync(join(__dirname, '..', '..', DEFAULT_CORPUS_DIR, name), 'utf8');

describe('build-corpus', () => {
  it('writes byte-identical files to the committed corpus on every run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-corpus-'));
    try {
      writeCorpus(dir);
      expect(readFileSync(join(dir, 'documents.jsonl'), 'utf8')).toBe(committed('documents.jsonl'));
      expect(readFileSync(join(dir, 'queries.jsonl'), 'utf8')).toBe(committed('queries.jsonl'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('builds a different corpus from a different seed (the seed is really used)', () => {
    const a = buildCorpus(1).queries.map((q) => q.text);
    const b = buildCorpus(2).queries.map((q) => q.text);
    expect(a).not.toEqual(b);
  });

  it('keeps every paraphrase of every failure mode out of the vocabulary of its runbook', () => {
    const random = new SeededRandom(7);
    const leaks: string[] = [];
    for (const service of SERVICES) {
      for (const mode of FAILURE_MODES) {
        const failure = {
          service,
          mode,
          code: `${service.prefix}-1234`,
          legacyCode: `${service.prefix}-E123`,
          configKey: `${service.prefix}_${mode.configSuffix}`,
          incidentNumber: 1,
          incidentDate: '2024-01-01',
        };
        const runbook = runbookDoc(failure, random);
        const all = [runbook.title, runbook.text, ...mode.docSymptoms, ...mode.docMitigation];
        const docWords = contentWords(all.join(' '));
        const allowed = contentWords(service.word);
        for (const phrase of mode.paraphrases) {
          for (const w of contentWords(phrase)) {
            if (docWords.has(w) && !allowed.has(w)) leaks.push(`${service.id}/${mode.id}: ${w}`);
          }
        }
      }
    }
    expect(leaks).toEqual([]);
  });

  it('keeps every policy paraphrase out of the vocabulary of its policy', () => {
    const random = new SeededRandom(7);
    const leaks = POLICIES.flatMap((policy) => {
      const doc = policyDoc(policy, random);
      const docWords = contentWords(`${doc.title} ${doc.text}`);
      return [...contentWords(policy.paraphraseQuery)]
        .filter((w) => docWords.has(w))
        .map((w) => `${policy.id}: ${w}`);
    });
    expect(leaks).toEqual([]);
  });
});
