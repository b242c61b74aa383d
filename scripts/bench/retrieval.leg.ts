import { InvocationLog, hashedEmbedding } from '@switchboard/llm';
import { REDIS_CLIENT } from '@switchboard/redis';
import { LanceDbStore, type StoredChunk } from '@switchboard/retrieval';
import type { Redis } from 'ioredis';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixed, progress } from './bench-output';
import { platformEnv, type BenchSettings } from './bench-settings';
import { deferCleanup } from './exit-cleanup';
import { withFakeOpenAi } from './fake-openai';
import { timeInterleaved, type InterleavedPlan } from './interleaved-timing';
import type { LatencySummary } from './latency-stats';
import { withLegScope } from './leg-isolation';
import { withPlatformContext } from './platform-context';
import { RouterBenchModule } from './router-bench.module';
import { BruteForceIndex } from './retrieval-brute-force';
import { buildCorpus } from './retrieval-corpus';
import {
  EMBED_DIMENSIONS,
  buildEmbedRig,
  embeddingCatalogue,
  rawEmbed,
  routedEmbed,
  type EmbedRig,
} from './retrieval-embedder';
import { directoryBytes, readMemory, type MemoryReading } from './retrieval-memory';
import { probeStoreMemory } from './retrieval-store-probe';
import type { StoreProbeReadings } from './retrieval-store-probe.main';
import { overlapAtK, searchPaths, type SearchPath, type SearchRig } from './retrieval-search-paths';

export const INGEST_BATCH = 64;
const LOAD_BATCH = 1000;
const OVERLAP_QUERIES = 100;
const SEARCH_COLLECTION = 'bench_retrieval_search';
const INGEST_COLLECTION = 'bench_retrieval_ingest';

export type IngestPath = 'raw' | 'router' | 'pipeline';

export interface RetrievalResult {
  corpus: {
    chunks: number;
    meanWords: number;
    vocabulary: number;
    queries: number;
    buildS: number;
  };
  memory: {
    before: MemoryReading;
    afterLoad: MemoryReading;
    afterSearch: MemoryReading;
    diskBytes: number;
    loadS: number;
    /** The collection reopened and searched in a fresh process. */
    probe: StoreProbeReadings;
    /** The same with MALLOC_ARENA_MAX=2. */
    probeArenas2: StoreProbeReadings;
  };
  searchPlan: InterleavedPlan;
  search: Record<SearchPath, LatencySummary>;
  overlap: Record<'keyword' | 'dense' | 'hybrid', number>;
  overlapQueries: number;
  filterViolations: number;
  empty: Record<string, number>;
  ingestPlan: InterleavedPlan;
  ingest: Record<IngestPath, LatencySummary>;
  ingestedRows: number;
}

function positiveIntEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

/**
 * Retrieval on LanceDB (embedded, on disk) against a brute-force scan of the same chunks in
 * memory: search latency per mode with and without a metadata filter, ingestion throughput
 * against the bare embedding calls, and the store's memory and disk for the corpus.
 */
export async function retrievalLeg(settings: BenchSettings): Promise<RetrievalResult> {
  const chunkCount = positiveIntEnv('BENCH_RETRIEVAL_CHUNKS', 10_000);
  const queryCount = positiveIntEnv('BENCH_RETRIEVAL_QUERIES', 300);
  progress(`retrieval: generating ${chunkCount} chunks and ${queryCount} queries (untimed)`);
  const started = performance.now();
  const corpus = buildCorpus(chunkCount, queryCount, (text) =>
    hashedEmbedding(text, EMBED_DIMENSIONS),
  );
  const brute = new BruteForceIndex(corpus.chunks);
  const buildS = (performance.now() - started) / 1000;
  progress(
    `retrieval: corpus ready in ${fixed(buildS, 1)} s (${fixed(corpus.meanWords, 0)} words per ` +
      `chunk on average, ${corpus.vocabulary.size} distinct words)`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-retrieval-'));
  const release = deferCleanup('retrieval data dir', async () =>
    rmSync(dir, { recursive: true, force: true }),
  );
  try {
    return await withLegScope(settings, 'retrieval', true, (scope) =>
      withFakeOpenAi('child-process', async (fake) => {
        const catalogueFile = join(dir, 'embedding-catalogue.json');
        writeFileSync(catalogueFile, JSON.stringify(embeddingCatalogue(fake.url)));
        const env = { ...platformEnv(settings, scope, 'warn'), LLM_CATALOGUE_FILE: catalogueFile };
        return withPlatformContext(
          env,
          async (app, config) => {
            const invocations = app.get(InvocationLog);
            const embed = buildEmbedRig(
              config,
              app.get<Redis>(REDIS_CLIENT),
              invocations,
              fake.url,
            );
            const result = await measure(
              join(dir, 'lancedb'),
              corpus.chunks,
              corpus.queries,
              brute,
              embed,
            );
            await invocations.flush();
            return {
              ...result,
              corpus: {
                chunks: corpus.chunks.length,
                meanWords: corpus.meanWords,
                vocabulary: corpus.vocabulary.size,
                queries: corpus.queries.length,
                buildS,
              },
            };
          },
          RouterBenchModule,
        );
      }),
    );
  } finally {
    await release();
  }
}

async function measure(
  dataDir: string,
  chunks: readonly StoredChunk[],
  queries: readonly string[],
  brute: BruteForceIndex,
  embed: EmbedRig,
): Promise<Omit<RetrievalResult, 'corpus'>> {
  const before = readMemory();
  const store = await LanceDbStore.connect({ dataDir });
  try {
    await store.createCollection({ id: SEARCH_COLLECTION, dimension: EMBED_DIMENSIONS });
    const loadStarted = performance.now();
    for (let at = 0; at < chunks.length; at += LOAD_BATCH) {
      await store.upsert(SEARCH_COLLECTION, chunks.slice(at, at + LOAD_BATCH));
    }
    await store.optimize(SEARCH_COLLECTION);
    const loadS = (performance.now() - loadStarted) / 1000;
    const stored = await store.count(SEARCH_COLLECTION);
    if (stored !== chunks.length) {
      throw new Error(`retrieval leg: loaded ${chunks.length} chunks, the store counts ${stored}`);
    }
    const afterLoad = readMemory();
    const diskBytes = await directoryBytes(dataDir);
    progress(`retrieval: ${stored} chunks in LanceDB in ${fixed(loadS, 1)} s (FTS index built)`);

    const rig: SearchRig = {
      store,
      collection: SEARCH_COLLECTION,
      brute,
      queries,
      embed,
      filterViolations: 0,
      empty: {},
    };
    const overlapQueries = queries.slice(0, OVERLAP_QUERIES);
    const overlap = await overlapAtK(rig, overlapQueries);
    const searchPlan = { calls: queries.length, roundSize: 50, warmUp: 30 };
    progress(
      `retrieval: ${searchPlan.calls} queries per path (+${searchPlan.warmUp} warm-up), ` +
        `store and brute force interleaved`,
    );
    const search = await timeInterleaved(searchPaths(rig), searchPlan);
    const afterSearch = readMemory();
    if (rig.filterViolations > 0) {
      throw new Error(`retrieval leg: ${rig.filterViolations} filtered hits outside the filter`);
    }

    progress('retrieval: memory of the collection reopened in a fresh process');
    const probe = await probeStoreMemory(dataDir, SEARCH_COLLECTION, queries);
    const probeArenas2 = await probeStoreMemory(dataDir, SEARCH_COLLECTION, queries, 2);

    const { ingest, ingestPlan, ingestedRows } = await measureIngestion(store, chunks, embed);
    return {
      memory: { before, afterLoad, afterSearch, diskBytes, loadS, probe, probeArenas2 },
      searchPlan,
      search,
      overlap,
      overlapQueries: overlapQueries.length,
      filterViolations: rig.filterViolations,
      empty: rig.empty,
      ingestPlan,
      ingest,
      ingestedRows,
    };
  } finally {
    await store.close();
  }
}

/**
 * Batches of 64 chunk texts: embedded by the official SDK alone (the baseline), against
 * embedded through the router and upserted into a fresh collection: the embed + index steps of
 * the ingestion pipeline done by hand (its ChunkEmbedder asks for no `dimensions` and caches
 * in Redis; not wired in here yet).
 */
async function measureIngestion(
  store: LanceDbStore,
  chunks: readonly StoredChunk[],
  embed: EmbedRig,
): Promise<Pick<RetrievalResult, 'ingest' | 'ingestPlan' | 'ingestedRows'>> {
  await store.createCollection({ id: INGEST_COLLECTION, dimension: EMBED_DIMENSIONS });
  const batches = Math.floor(chunks.length / INGEST_BATCH);
  const warmUp = Math.min(4, Math.max(1, Math.floor(batches / 20)));
  const ingestPlan = {
    calls: Math.max(1, batches - warmUp),
    roundSize: 10,
    warmUp,
  };
  const batchAt = (n: number) => {
    const at = (n % batches) * INGEST_BATCH;
    return chunks.slice(at, at + INGEST_BATCH);
  };
  let rawNext = 0;
  let routerNext = 0;
  let pipelineNext = 0;
  progress(
    `retrieval: ingestion, ${ingestPlan.calls} batches of ${INGEST_BATCH} per path ` +
      `(+${warmUp} warm-up), raw SDK embeddings against router.embed alone and router.embed + upsert`,
  );
  const ingest = await timeInterleaved<IngestPath>(
    [
      {
        name: 'raw',
        call: async () => {
          await rawEmbed(
            embed,
            batchAt(rawNext++).map((c) => c.text),
          );
        },
      },
      {
        name: 'router',
        call: async () => {
          await routedEmbed(
            embed,
            batchAt(routerNext++).map((c) => c.text),
          );
        },
      },
      {
        name: 'pipeline',
        call: async () => {
          const batch = batchAt(pipelineNext++);
          const vectors = await routedEmbed(
            embed,
            batch.map((c) => c.text),
          );
          await store.upsert(
            INGEST_COLLECTION,
            batch.map((chunk, i) => ({ ...chunk, vector: vectors[i] })),
          );
        },
      },
    ],
    ingestPlan,
  );
  const ingestedRows = await store.count(INGEST_COLLECTION);
  const expected = Math.min(batches, ingestPlan.calls + warmUp) * INGEST_BATCH;
  if (ingestedRows !== expected) {
    throw new Error(`retrieval leg: ingested ${expected} chunks, the store counts ${ingestedRows}`);
  }
  return { ingest, ingestPlan, ingestedRows };
}
