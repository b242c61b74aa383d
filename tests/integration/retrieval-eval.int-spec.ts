import { loadConfig } from '@switchboard/config';
import { LanceDbStore } from '@switchboard/retrieval';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_EVAL_DIR, parseEvalArgs } from '../../scripts/eval/retrieval-eval-args';
import { runRetrievalEval, type EvalReport } from '../../scripts/eval/retrieval-eval-harness';
import { renderEvalReport, reportJson } from '../../scripts/eval/retrieval-eval-report';
import { TEST_REDIS_URL } from '../support/test-services';

const MODES = ['dense', 'keyword', 'hybrid', 'hybrid+rerank'];

/** 10 queries spread over the kinds, their judged documents, and others up to 40 documents. */
async function writeSubset(dir: string): Promise<{ kinds: Set<string> }> {
  const read = async (file: string) =>
    (await readFile(join(DEFAULT_EVAL_DIR, file), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { id: string; kind?: string; relevant?: object });
  const queries = (await read('queries.jsonl')).filter((_, i) => i % 8 === 0).slice(0, 10);
  const judged = new Set(queries.flatMap((q) => Object.keys(q.relevant ?? {})));
  const all = await read('documents.jsonl');
  const documents = [...all.filter((d) => judged.has(d.id))];
  for (const d of all) if (documents.length < 40 && !judged.has(d.id)) documents.push(d);
  const lines = (rows: object[]) => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;
  await writeFile(join(dir, 'documents.jsonl'), lines(documents));
  await writeFile(join(dir, 'queries.jsonl'), lines(queries));
  return { kinds: new Set(queries.map((q) => q.kind ?? '-')) };
}

describe('npm run eval:retrieval (the harness, on a 40-document subset)', () => {
  const prefix = `{eval-${randomUUID().slice(0, 8)}}`;
  let workDir: string;
  let dataDir: string;
  let redis: Redis;
  let store: LanceDbStore;
  let report: EvalReport;
  let kinds: Set<string>;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'sb-eval-set-'));
    dataDir = await mkdtemp(join(tmpdir(), 'sb-eval-lancedb-'));
    ({ kinds } = await writeSubset(workDir));
    // The platform's configuration with no LLM_CATALOGUE_FILE: the simulated catalogue.
    const config = loadConfig({ REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix });
    redis = new Redis(TEST_REDIS_URL);
    store = await LanceDbStore.connect({ dataDir });
    report = await runRetrievalEval(parseEvalArgs(['--dir', workDir]), { config, redis, store });
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await store.close();
    await rm(workDir, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  });

  it('indexes the subset and scores the four modes on every query', () => {
    expect(report.documents).toBe(40);
    expect(report.chunks).toBeGreaterThanOrEqual(40);
    expect(report.queries).toBe(10);
    expect(report.comparison.rows.map((r) => r.name)).toEqual(MODES);
    expect(report.comparison.kinds.sort()).toEqual([...kinds].sort());
    for (const row of report.comparison.rows) {
      expect(row.evaluation.judged).toBe(10);
      expect(row.evaluation.missing).toEqual([]);
      for (const value of Object.values(row.evaluation.mean)) {
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }
    }
    // Every judged set has a grade-3 document among 40: something must be found.
    const best = Math.max(...report.comparison.rows.map((r) => r.evaluation.mean.ndcg10));
    expect(best).toBeGreaterThan(0.2);
    // Identifier queries are exact tokens: BM25 finds them.
    const keyword = report.comparison.rows.find((r) => r.name === 'keyword')!;
    expect(keyword.byKind.identifier.mrr).toBeGreaterThan(0.5);
  });

  it('used the catalogue models through the router and reranked every query', () => {
    expect(report.embedding).toMatchObject({
      model: 'simulated/simulated-local',
      dimensions: 256,
      simulated: true,
    });
    expect(report.rerank).toMatchObject({ method: 'model', model: 'simulated/simulated-rerank' });
    expect(report.rerankFallbacks).toEqual([]);
    // Indexing (one batch), then one embedding per query for dense/hybrid runs, one rerank each.
    expect(report.llmCalls.failed).toBe(0);
    expect(report.llmCalls.attempts).toBeGreaterThanOrEqual(1 + 10 * (3 + 7) + 10);
  });

  it('sweeps the dense weight and recommends one of the runs', () => {
    expect(report.sweep.runs.map((r) => r.name)).toEqual([
      'hybrid w=0.30',
      'hybrid w=0.40',
      'hybrid w=0.50',
      'hybrid w=0.60',
      'hybrid w=0.70',
      'hybrid w=0.80',
      'hybrid w=0.90',
    ]);
    expect(report.sweep.bestDenseWeight).toBeGreaterThanOrEqual(0.3);
    expect(report.sweep.bestDenseWeight).toBeLessThanOrEqual(0.9);
    const names = [...MODES, ...report.sweep.runs.map((r) => r.name)];
    expect(names).toContain(report.recommendation.best);
    expect(report.recommendation.ndcgMargin).toBeGreaterThanOrEqual(0);
    expect(['dense', 'keyword', 'hybrid']).toContain(report.recommended.mode);
  });

  it('prints the table, the models and the simulated-embeddings caveat; writes JSON', () => {
    const text = renderEvalReport(report);
    for (const mode of MODES)
      expect(text).toMatch(new RegExp(`^${mode.replace('+', '\\+')}\\s+0\\.\\d{3}`, 'm'));
    expect(text).toContain('nDCG@10      P@5     R@10      MRR');
    expect(text).toContain('Embeddings: simulated/simulated-local at tier 0, 256 dimensions.');
    expect(text).toContain('simulated embeddings are lexical hashes');
    expect(text).toContain('Rerank: simulated/simulated-rerank (rerank model)');
    expect(text).toContain(report.recommendation.summary);
    const json = JSON.parse(JSON.stringify(reportJson(report))) as {
      modes: { name: string; perQuery: unknown[] }[];
      recommendation: { best: string };
    };
    expect(json.modes.map((m) => m.name)).toEqual(MODES);
    expect(json.modes[0].perQuery).toHaveLength(10);
    expect(json.recommendation.best).toBe(report.recommendation.best);
  });

  it('drops its temporary collection', async () => {
    const left = (await readdir(dataDir)).filter((name) => name.startsWith('eval_'));
    expect(left).toEqual([]);
  });
});
