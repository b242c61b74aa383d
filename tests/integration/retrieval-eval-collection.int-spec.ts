import { loadConfig } from '@switchboard/config';
import { dataSourceOptions } from '@switchboard/persistence';
import {
  chunkingStrategySchema,
  CollectionsRepository,
  DocumentsRepository,
  LanceDbStore,
  type CollectionRecord,
  type LabelledDocument,
} from '@switchboard/retrieval';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { DEFAULT_EVAL_DIR, parseEvalArgs } from '../../scripts/eval/retrieval-eval-args';
import { EvalInputError, runCollectionEval } from '../../scripts/eval/retrieval-eval-collection';
import { indexLabelledDocuments } from '../../scripts/eval/retrieval-eval-index';
import { buildEvalLlm } from '../../scripts/eval/retrieval-eval-llm';
import { createTestEnv, type TestEnv } from '../support/test-env';

type CorpusQuery = { id: string; kind: string; text: string; relevant: Record<string, number> };

const readJsonl = async <T>(file: string): Promise<T[]> =>
  (await readFile(join(DEFAULT_EVAL_DIR, file), 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as T);

describe('npm run eval:retrieval -- --collection (a tenant collection in place)', () => {
  let env: TestEnv;
  let db: DataSource;
  let redis: Redis;
  let store: LanceDbStore;
  let dataDir: string;
  let workDir: string;
  let collection: CollectionRecord;
  let tenantId: string;
  let queriesFile: string;
  let config: ReturnType<typeof loadConfig>;

  beforeAll(async () => {
    env = await createTestEnv();
    config = loadConfig(env.env);
    db = await new DataSource(dataSourceOptions(config.database, 'eval-int')).initialize();
    redis = new Redis(config.redis.url);
    dataDir = await mkdtemp(join(tmpdir(), 'sb-eval-coll-'));
    workDir = await mkdtemp(join(tmpdir(), 'sb-eval-q-'));
    store = await LanceDbStore.connect({ dataDir });
    tenantId = randomUUID();
    await db.query(`INSERT INTO tenants (id, name) VALUES ($1, $2)`, [
      tenantId,
      `eval-${tenantId}`,
    ]);
    collection = await new CollectionsRepository(db).create({
      tenantId,
      name: 'handbook',
      description: null,
      embeddingModel: 'simulated/simulated-local',
      dimensions: 256,
      embeddingTier: 0,
      privacy: false,
      chunking: chunkingStrategySchema.parse({ strategy: 'recursive' }),
      store: 'lancedb',
      fields: {},
    });

    // Six queries, their judged documents, and some others: as documents of the collection.
    const all = await readJsonl<LabelledDocument>('documents.jsonl');
    const queries = (await readJsonl<CorpusQuery>('queries.jsonl')).filter((_, i) => i % 12 === 0);
    const judged = new Set(queries.flatMap((q) => Object.keys(q.relevant)));
    const chosen = [
      ...all.filter((d) => judged.has(d.id)),
      ...all.filter((d) => !judged.has(d.id)).slice(0, 10),
    ];
    const documents = new DocumentsRepository(db);
    const stored: LabelledDocument[] = [];
    for (const doc of chosen) {
      const { document } = await documents.insert({
        collectionId: collection.id,
        tenantId,
        source: doc.metadata!.source!,
        title: doc.title ?? null,
        docType: 'text',
        contentHash: randomUUID(),
        metadata: {},
        content: Buffer.from(doc.text),
        filename: null,
        mimeType: 'text/plain',
      });
      await documents.transition(document.id, ['queued'], 'ready', { chunkCount: 1 });
      stored.push({ ...doc, id: document.id });
    }
    // The ingestion pipeline's result, written directly: the chunks under the DB ids.
    const llm = buildEvalLlm(config, redis);
    await indexLabelledDocuments(store, llm.llm.at(0), stored, {
      storeCollectionId: collection.storeCollectionId,
      embeddingModel: collection.embeddingModel,
      embeddingTier: 0,
      dimensions: 256,
      batch: 64,
    });
    // Judged by source, as a user who knows file names but not ids would write them.
    const sourceOf = new Map(chosen.map((d) => [d.id, d.metadata!.source!]));
    const lines = queries.map((q) =>
      JSON.stringify({
        id: q.id,
        kind: q.kind,
        text: q.text,
        relevantBySource: Object.fromEntries(
          Object.entries(q.relevant).map(([id, grade]) => [sourceOf.get(id), grade]),
        ),
      }),
    );
    queriesFile = join(workDir, 'queries.jsonl');
    await writeFile(queriesFile, `${lines.join('\n')}\n`);
  });

  afterAll(async () => {
    await store?.close();
    redis?.disconnect();
    if (db?.isInitialized) await db.destroy();
    await rm(dataDir, { recursive: true, force: true });
    await rm(workDir, { recursive: true, force: true });
    await env?.cleanup();
  });

  it('scores the four modes on the collection, with judgements by source', async () => {
    const options = parseEvalArgs([
      '--collection',
      collection.id,
      '--tenant',
      tenantId,
      '--queries',
      queriesFile,
    ]);
    const report = await runCollectionEval(options, { config, redis, store, db });
    expect(report.dir).toContain(collection.id);
    expect(report.queries).toBe(7);
    expect(report.embedding).toMatchObject({ model: 'simulated/simulated-local', tier: 0 });
    expect(report.comparison.rows.map((r) => r.name)).toEqual([
      'dense',
      'keyword',
      'hybrid',
      'hybrid+rerank',
    ]);
    for (const row of report.comparison.rows) {
      expect(row.evaluation.judged).toBe(7);
      for (const value of Object.values(row.evaluation.mean)) {
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }
    }
    expect(
      Math.max(...report.comparison.rows.map((r) => r.evaluation.mean.ndcg10)),
    ).toBeGreaterThan(0.2);
    // Read only: the collection is still there.
    expect(await store.count(collection.storeCollectionId)).toBe(report.chunks);
  });

  it('refuses another tenant’s collection', async () => {
    const options = parseEvalArgs([
      '--collection',
      collection.id,
      '--tenant',
      randomUUID(),
      '--queries',
      queriesFile,
    ]);
    await expect(runCollectionEval(options, { config, redis, store, db })).rejects.toBeInstanceOf(
      EvalInputError,
    );
  });
});
