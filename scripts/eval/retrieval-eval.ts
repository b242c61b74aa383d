// `npm run eval:retrieval`: indexes a labelled set (the shipped synthetic corpus under
// tests/fixtures/retrieval/eval by default, or --dir) into a temporary LanceDB collection,
// embedding through the LLM router with the platform's configuration (LLM_CATALOGUE_FILE, or
// the built-in simulated catalogue; the provider gate in Redis at REDIS_URL), then compares
// dense, keyword, hybrid and hybrid+rerank search (nDCG@10, P@5, R@10, MRR, overall and per
// query kind), sweeps hybrid's dense weight and recommends a mode and weight. With
// --collection/--tenant/--queries it evaluates a tenant's existing collection in place.
// Exit codes: 0 ok, 1 error, 2 usage.
import 'reflect-metadata';
import { loadConfig, type Config } from '@switchboard/config';
import { dataSourceOptions } from '@switchboard/persistence';
import { createRedisConnection } from '@switchboard/redis';
import {
  LabelledSetError,
  LanceDbStore,
  QdrantStore,
  type VectorStore,
} from '@switchboard/retrieval';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { EVAL_USAGE, EvalUsageError, parseEvalArgs } from './retrieval-eval-args';
import { EvalInputError, runCollectionEval } from './retrieval-eval-collection';
import { runRetrievalEval } from './retrieval-eval-harness';
import { EvalModelError } from './retrieval-eval-llm';
import { renderEvalReport, reportJson } from './retrieval-eval-report';

async function main(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseEvalArgs(argv);
  } catch (error) {
    if (!(error instanceof EvalUsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${EVAL_USAGE}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${EVAL_USAGE}\n`);
    return 0;
  }
  const config = loadConfig(process.env);
  const redis = createRedisConnection(config.redis, { maxRetriesPerRequest: 2 });
  // A labelled set: a temporary LanceDB. An existing collection: the platform's own store.
  const dataDir = options.existing ? undefined : await mkdtemp(join(tmpdir(), 'switchboard-eval-'));
  const store = await openStore(config, dataDir);
  const db = options.existing
    ? new DataSource(dataSourceOptions(config.database, 'retrieval-eval'))
    : undefined;
  try {
    const report = db
      ? await runCollectionEval(options, { config, redis, store, db: await db.initialize() })
      : await runRetrievalEval(options, { config, redis, store });
    process.stdout.write(renderEvalReport(report));
    if (options.json) {
      await writeFile(options.json, `${JSON.stringify(reportJson(report), null, 2)}\n`);
      process.stdout.write(`Results written to ${options.json}\n`);
    }
    return 0;
  } catch (error) {
    if (
      error instanceof LabelledSetError ||
      error instanceof EvalModelError ||
      error instanceof EvalInputError
    ) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await store.close();
    redis.disconnect();
    if (db?.isInitialized) await db.destroy();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}

async function openStore(config: Config, dataDir: string | undefined): Promise<VectorStore> {
  if (dataDir) return LanceDbStore.connect({ dataDir });
  const { qdrantUrl, qdrantApiKey } = config.retrieval;
  if (qdrantUrl) return QdrantStore.connect({ url: qdrantUrl, apiKey: qdrantApiKey });
  return LanceDbStore.connect({ dataDir: config.retrieval.dataDir });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
