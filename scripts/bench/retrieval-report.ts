import { fixed, megabytes, ratio } from './bench-output';
import type { LatencySummary } from './latency-stats';
import { INGEST_BATCH, type RetrievalResult } from './retrieval.leg';
import { FILTER_DOC_TYPE, HYBRID_CANDIDATES, K, type SearchPath } from './retrieval-search-paths';

const ms = (value: number) => fixed(value, 2);
const AIM_KEYWORD_P95_MS = 30;
const AIM_HYBRID_P95_MS = 200;
const AIM_MEMORY_MB = 100;

const mark = (value: number, aim: number, unit: string) =>
  value <= aim ? `under the ${aim} ${unit} aim` : `OVER the ${aim} ${unit} aim`;

function searchRow(
  label: string,
  r: RetrievalResult,
  store: SearchPath,
  brute: SearchPath,
  aim?: number,
): string {
  const s = r.search[store];
  const b = r.search[brute];
  return (
    `| ${label} | ${ms(s.medianMs)} | ${ms(s.p95Ms)} | ${ms(b.medianMs)} | ${ms(b.p95Ms)} | ` +
    `${ratio(s.p95Ms, b.p95Ms)} | ${aim === undefined ? '' : `${aim} (${s.p95Ms <= aim ? 'met' : 'MISSED'})`} |`
  );
}

const perSecond = (batch: LatencySummary) => (INGEST_BATCH * 1000) / batch.meanMs;

export function renderRetrievalSection(r: RetrievalResult): string[] {
  const { memory: m, search: s } = r;
  const storeRss = m.afterLoad.rss - m.before.rss;
  const storeRssSearched = m.afterSearch.rss - m.before.rss;
  const heap = m.afterLoad.heapUsed - m.before.heapUsed;
  const external = m.afterLoad.external - m.before.external;
  const probeOpened = m.probe.opened.rss - m.probe.baseline.rss;
  const probeSearched = m.probe.searched.rss - m.probe.baseline.rss;
  const arenas2Searched = m.probeArenas2.searched.rss - m.probeArenas2.baseline.rss;
  const raw = perSecond(r.ingest.raw);
  const routed = perSecond(r.ingest.router);
  const pipeline = perSecond(r.ingest.pipeline);
  const empty = Object.entries(r.empty)
    .map(([path, n]) => `${path} ${n}`)
    .join(', ');
  return [
    `### Retrieval: LanceDB against a brute-force scan (${r.corpus.chunks} chunks, ${r.searchPlan.calls} queries per path, k = ${K})`,
    '',
    '| Search | Store median ms | Store p95 ms | Brute-force median ms | Brute-force p95 ms | p95 store / brute | Aim p95 ms |',
    '|---|---:|---:|---:|---:|---:|---:|',
    searchRow('keyword (BM25)', r, 'keyword-store', 'keyword-brute', AIM_KEYWORD_P95_MS),
    searchRow('dense (cosine)', r, 'dense-store', 'dense-brute'),
    searchRow('hybrid (weighted 0.7)', r, 'hybrid-store', 'hybrid-brute', AIM_HYBRID_P95_MS),
    searchRow(
      `keyword, doc_type = ${FILTER_DOC_TYPE}`,
      r,
      'keyword-store-filter',
      'keyword-brute-filter',
      AIM_KEYWORD_P95_MS,
    ),
    searchRow(
      `dense, doc_type = ${FILTER_DOC_TYPE}`,
      r,
      'dense-store-filter',
      'dense-brute-filter',
    ),
    searchRow(
      `hybrid, doc_type = ${FILTER_DOC_TYPE}`,
      r,
      'hybrid-store-filter',
      'hybrid-brute-filter',
      AIM_HYBRID_P95_MS,
    ),
    '',
    `- Query embedding alone (hashedEmbedding, ${256} dims, in the bench process): median ${ms(s.embed.medianMs)} ms, p95 ${ms(s.embed.p95Ms)} ms; the dense and hybrid rows include it on both sides.`,
    `- Hybrid with the query embedded through the router (LlmRouter → fake OpenAI server in a child process, loopback HTTP): median ${ms(s['hybrid-store-routed'].medianMs)} ms, p95 ${ms(s['hybrid-store-routed'].p95Ms)} ms (${mark(s['hybrid-store-routed'].p95Ms, AIM_HYBRID_P95_MS, 'ms')}); the routed embedding call alone: median ${ms(s['embed-routed'].medianMs)} ms, p95 ${ms(s['embed-routed'].p95Ms)} ms.`,
    `- Same answers? Over the first ${r.overlapQueries} queries, the store returned on average ${fixed(r.overlap.dense * 100, 1)}% of the brute-force top ${K} for dense, ${fixed(r.overlap.keyword * 100, 1)}% for keyword (LanceDB's FTS tokenises and scores on its own) and ${fixed(r.overlap.hybrid * 100, 1)}% for hybrid. Filtered hits outside the filter: ${r.filterViolations}.${empty ? ` Searches with no hit: ${empty}.` : ''}`,
    `- Brute force: every chunk scanned per query in this process (one Float32Array of all vectors for cosine; BM25 k1 1.2, b 0.75 over per-chunk term counts; hybrid runs both over ${HYBRID_CANDIDATES} candidates each and fuses them with the store's own fuseRankedLists), the filter a predicate on each chunk. The store: LanceDbStore on a temp dir, exact cosine kNN, its FTS index (built, every row indexed), the filter pushed down as a WHERE.`,
    `- The paths take turns in rounds of ${r.searchPlan.roundSize} queries after ${r.searchPlan.warmUp} untimed warm-up queries each; every path runs the same ${r.corpus.queries} queries (2–4 corpus words, some with a verb).`,
    '',
    `#### Ingestion throughput (batches of ${INGEST_BATCH}, ${r.ingestPlan.calls} timed batches per path)`,
    '',
    '| Path | Chunks/s | Batch median ms | Batch p95 ms | vs raw |',
    '|---|---:|---:|---:|---:|',
    `| raw embeddings: official openai SDK → fake server (baseline) | ${fixed(raw, 0)} | ${ms(r.ingest.raw.medianMs)} | ${ms(r.ingest.raw.p95Ms)} | 1.00× |`,
    `| router.embed alone (no store) | ${fixed(routed, 0)} | ${ms(r.ingest.router.medianMs)} | ${ms(r.ingest.router.p95Ms)} | ${ratio(routed, raw)} |`,
    `| router.embed + LanceDbStore.upsert | ${fixed(pipeline, 0)} | ${ms(r.ingest.pipeline.medianMs)} | ${ms(r.ingest.pipeline.p95Ms)} | ${ratio(pipeline, raw)} |`,
    '',
    `- Not the ingestion pipeline's own classes (libs/retrieval/src/ingestion: ChunkEmbedder with its Redis cache, DocumentIngestion with its status rows), which landed after this leg was written: the last path is their embed + index steps done by hand (LlmRouter with the real provider gate on Redis and the invocation log; one upsert per batch of ${INGEST_BATCH} one-chunk documents, which folds new rows into the FTS index every 2,000 unindexed rows). All paths send the same request (float encoding, 256 dimensions) to the same fake server process, in interleaved rounds of ${r.ingestPlan.roundSize} batches; ${r.ingestedRows} chunks were in the collection afterwards, as expected.`,
    '',
    `#### Memory for ${r.corpus.chunks} documents (one chunk each, ${fixed(r.corpus.meanWords, 0)} words and a ${256}-dim vector per chunk)`,
    '',
    `- Bench process RSS before the store: ${megabytes(m.before.rss)}; after loading the ${r.corpus.chunks} chunks into LanceDB (batches of 1,000, then optimize; ${fixed(m.loadS, 1)} s): ${megabytes(m.afterLoad.rss)} (+${megabytes(storeRss)}, ${mark(storeRss / 1024 / 1024, AIM_MEMORY_MB, 'MB')}); after all timed searches: ${megabytes(m.afterSearch.rss)} (+${megabytes(storeRssSearched)} over before, ${mark(storeRssSearched / 1024 / 1024, AIM_MEMORY_MB, 'MB')}).`,
    `- JS heap used ${megabytes(m.before.heapUsed)} → ${megabytes(m.afterLoad.heapUsed)} (${heap >= 0 ? '+' : ''}${megabytes(heap)}), external ${external >= 0 ? '+' : ''}${megabytes(external)}; each reading after a full GC. LanceDB on disk: ${megabytes(m.diskBytes)}.`,
    `- The collection reopened in a fresh Node process (the probe: ${megabytes(m.probe.baseline.rss)} RSS with its modules loaded and its ${r.corpus.queries} query vectors computed): ${megabytes(m.probe.opened.rss)} after opening it and one keyword search (+${megabytes(probeOpened)}, ${mark(probeOpened / 1024 / 1024, AIM_MEMORY_MB, 'MB')}), ${megabytes(m.probe.searched.rss)} after ${m.probe.searches} searches, ${r.corpus.queries} in each mode (+${megabytes(probeSearched)}, ${mark(probeSearched / 1024 / 1024, AIM_MEMORY_MB, 'MB')}); its peak RSS ${megabytes(m.probe.peakRss)}; heap +${megabytes(m.probe.searched.heapUsed - m.probe.baseline.heapUsed)}.`,
    `- The same probe with MALLOC_ARENA_MAX=2 (glibc keeps fewer per-thread heaps): +${megabytes(m.probeArenas2.opened.rss - m.probeArenas2.baseline.rss)} after opening, +${megabytes(arenas2Searched)} after the ${m.probeArenas2.searches} searches (${mark(arenas2Searched / 1024 / 1024, AIM_MEMORY_MB, 'MB')}), peak ${megabytes(m.probeArenas2.peakRss)}.`,
    `- The corpus itself and the brute-force index (vectors, term counts) were already in memory before the first reading, so the delta is LanceDB's (native memory, caches) and the store's JS objects.`,
  ];
}
