import { parseArgs } from 'node:util';

/** What `npm run eval:retrieval -- ...` was asked to do. */
export interface EvalOptions {
  /** A labelled set: documents.jsonl + queries.jsonl (the shipped corpus by default). */
  dir: string;
  /** Results ranked per query (the metrics need 10). */
  k: number;
  /** Catalogue key or id; the lowest-tier embeddings model by default. */
  embeddingModel?: string;
  /** Catalogue key or id; the lowest-tier rerank model by default. */
  rerankModel?: string;
  /** Write the results as JSON to this file. */
  json?: string;
  /** Evaluate a tenant's existing collection in place, with these labelled queries. */
  existing?: { collectionId: string; tenantId: string; queries: string };
  help: boolean;
}

export const DEFAULT_EVAL_DIR = 'tests/fixtures/retrieval/eval';
export const DEFAULT_EVAL_K = 10;
/** The store's own ceiling (MAX_SEARCH_K) is 50; reranking fetches twice k. */
export const MAX_EVAL_K = 25;

export const EVAL_USAGE = `Usage: npm run eval:retrieval -- [options]

Indexes a labelled set into a temporary LanceDB collection (embedding through the LLM router
with the platform's configuration: LLM_CATALOGUE_FILE, REDIS_URL, ...) and compares dense,
keyword, hybrid (dense weight 0.7) and hybrid+rerank search, then sweeps hybrid's dense
weight from 0.3 to 0.9 and recommends the mode and weight that scored best.

Options:
  --dir <path>               labelled set: documents.jsonl + queries.jsonl
                             (default: ${DEFAULT_EVAL_DIR})
  --k <n>                    results per query, 10..${MAX_EVAL_K} (default ${DEFAULT_EVAL_K})
  --embedding-model <name>   catalogue embeddings model (key provider/id, or id)
  --rerank-model <name>      catalogue rerank model (key or id)
  --json <file>              also write the results as JSON
  --collection <id> --tenant <id> --queries <file>
                             evaluate a tenant's existing collection in place (its store,
                             model and ready documents; DATABASE_URL): queries judged by
                             document id (relevant) or by source (relevantBySource)
  -h, --help                 show this help`;

/** A command line we cannot run: exit code 2, with the usage. */
export class EvalUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvalUsageError';
  }
}

const EXISTING = ['collection', 'tenant', 'queries'] as const;

export function parseEvalArgs(argv: readonly string[]): EvalOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      allowPositionals: false,
      strict: true,
      options: {
        dir: { type: 'string' },
        k: { type: 'string' },
        'embedding-model': { type: 'string' },
        'rerank-model': { type: 'string' },
        json: { type: 'string' },
        collection: { type: 'string' },
        tenant: { type: 'string' },
        queries: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new EvalUsageError((error as Error).message);
  }
  const given = EXISTING.filter((name) => values[name] !== undefined);
  if (given.length > 0 && given.length < EXISTING.length) {
    const missing = EXISTING.filter((name) => values[name] === undefined);
    throw new EvalUsageError(
      `an existing collection needs --collection, --tenant and --queries (missing ${missing.map((n) => `--${n}`).join(', ')})`,
    );
  }
  if (given.length > 0 && values.dir !== undefined) {
    throw new EvalUsageError('--dir and --collection exclude each other');
  }
  const options: EvalOptions = {
    dir: nonEmpty('--dir', values.dir) ?? DEFAULT_EVAL_DIR,
    k: values.k === undefined ? DEFAULT_EVAL_K : integer('--k', values.k, 10, MAX_EVAL_K),
    help: values.help ?? false,
  };
  const embeddingModel = nonEmpty('--embedding-model', values['embedding-model']);
  if (embeddingModel) options.embeddingModel = embeddingModel;
  const rerankModel = nonEmpty('--rerank-model', values['rerank-model']);
  if (rerankModel) options.rerankModel = rerankModel;
  if (given.length > 0) {
    options.existing = {
      collectionId: nonEmpty('--collection', values.collection)!,
      tenantId: nonEmpty('--tenant', values.tenant)!,
      queries: nonEmpty('--queries', values.queries)!,
    };
  }
  const json = nonEmpty('--json', values.json);
  if (json) options.json = json;
  return options;
}

function nonEmpty(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new EvalUsageError(`${flag} needs a value`);
  return value;
}

function integer(flag: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw)) throw new EvalUsageError(`${flag} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new EvalUsageError(`${flag} must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}
