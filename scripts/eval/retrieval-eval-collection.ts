import {
  CollectionsRepository,
  DocumentsRepository,
  parseQueries,
  SearchService,
  type LabelledDocument,
} from '@switchboard/retrieval';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { DataSource } from 'typeorm';
import type { EvalOptions } from './retrieval-eval-args';
import {
  compareModes,
  describeLlm,
  type EvalDeps,
  type EvalReport,
} from './retrieval-eval-harness';
import { buildEvalLlm } from './retrieval-eval-llm';

/** The collection or its queries cannot be evaluated (exit code 1 with the message). */
export class EvalInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvalInputError';
  }
}

/** Most ready documents read to resolve judgements by source. */
const MAX_DOCUMENTS = 1_000_000;

/**
 * Evaluates a tenant's existing collection in place: its store, embedding model and tier,
 * privacy, and its `ready` documents; queries judge by document id or by source. Nothing is
 * written.
 */
export async function runCollectionEval(
  options: EvalOptions,
  deps: EvalDeps & { db: DataSource },
): Promise<EvalReport> {
  const { collectionId, tenantId, queries: queriesFile } = options.existing!;
  const collection = await new CollectionsRepository(deps.db).get(tenantId, collectionId);
  if (!collection) {
    throw new EvalInputError(`No collection ${collectionId} belongs to tenant ${tenantId}.`);
  }
  if (collection.store !== deps.store.kind) {
    throw new EvalInputError(
      `Collection ${collectionId} lives in ${collection.store}; this process is configured for ${deps.store.kind}.`,
    );
  }
  const ready = await new DocumentsRepository(deps.db).list(collection.id, {
    status: 'ready',
    limit: MAX_DOCUMENTS,
  });
  if (ready.length === 0)
    throw new EvalInputError(`Collection ${collectionId} has no ready documents.`);
  const documents: LabelledDocument[] = ready.map((d) => ({
    id: d.id,
    text: '',
    metadata: { source: d.source },
  }));
  const queries = parseQueries(readFileSync(queriesFile, 'utf8'), basename(queriesFile), documents);
  const llm = buildEvalLlm(
    deps.config,
    deps.redis,
    { embeddingModel: collection.embeddingModel, rerankModel: options.rerankModel },
    collection.privacy,
  );
  const chunks = await deps.store.count(collection.storeCollectionId);
  const runs = await compareModes(
    queries,
    {
      search: new SearchService(deps.store),
      collection,
      llm: llm.llm,
      queries,
      k: options.k,
      chunksPerDocument: chunks / ready.length,
    },
    llm.rerank,
  );
  return {
    dir: `collection ${collection.name} (${collection.id}) of tenant ${tenantId}`,
    k: options.k,
    documents: ready.length,
    chunks,
    queries: queries.length,
    ...describeLlm(llm, collection.embeddingModel, collection.dimensions),
    ...runs,
  };
}
