import type { StoredChunk } from '@switchboard/retrieval';

/**
 * The retrieval leg's corpus: technical-sounding sentences over a vocabulary of a few
 * thousand words drawn with a Zipf law (a few words everywhere, most of them rare, as in real
 * documentation), 60–200 words per chunk, and the metadata searches filter on. Everything
 * comes from one seeded generator, so every run indexes and queries the same text.
 */
export const DOC_TYPES = ['runbook', 'api-reference', 'design-note', 'incident', 'faq'] as const;
const TAGS = [
  'redis',
  'postgres',
  'queue',
  'billing',
  'auth',
  'gpu',
  'network',
  'storage',
  'latency',
  'security',
  'deploy',
  'cache',
  'search',
  'observability',
  'budget',
  'tenant',
  'mcp',
  'api',
  'worker',
  'scheduler',
];

const PREFIXES = [
  'auth',
  'cache',
  'queue',
  'shard',
  'index',
  'token',
  'route',
  'batch',
  'stream',
  'event',
  'lease',
  'quota',
  'span',
  'trace',
  'metric',
  'probe',
  'fence',
  'snap',
  'pool',
  'slot',
  'node',
  'peer',
  'edge',
  'vault',
  'blob',
  'page',
  'frame',
  'codec',
  'schema',
  'ledger',
  'policy',
  'tenant',
  'budget',
  'gate',
  'relay',
  'sink',
  'source',
  'pipe',
  'hash',
  'chunk',
  'vector',
  'socket',
  'kernel',
  'thread',
  'lock',
  'cursor',
  'replica',
  'backup',
  'config',
];
const ROOTS = [
  'manager',
  'service',
  'handler',
  'buffer',
  'store',
  'table',
  'worker',
  'scheduler',
  'router',
  'registry',
  'monitor',
  'client',
  'server',
  'proxy',
  'adapter',
  'builder',
  'parser',
  'writer',
  'reader',
  'watcher',
  'agent',
  'limiter',
  'breaker',
  'planner',
  'checker',
  'resolver',
  'encoder',
  'decoder',
  'collector',
  'exporter',
  'journal',
  'snapshot',
  'segment',
  'window',
  'bucket',
  'channel',
  'cluster',
  'volume',
  'partition',
  'session',
  'context',
  'payload',
  'request',
  'response',
  'timeout',
  'retry',
  'backoff',
  'offset',
  'epoch',
  'cutover',
  'drain',
  'mirror',
  'fallback',
  'threshold',
  'counter',
  'gauge',
  'histogram',
  'digest',
  'manifest',
  'catalogue',
];
const VERBS = [
  'drains',
  'flushes',
  'rotates',
  'retries',
  'evicts',
  'compacts',
  'reserves',
  'settles',
  'replays',
  'throttles',
  'validates',
  'serialises',
  'acquires',
  'releases',
  'indexes',
  'rebalances',
  'escalates',
  'routes',
  'shards',
  'mirrors',
  'streams',
  'batches',
  'caches',
  'expires',
  'renews',
  'reports',
  'aggregates',
  'encrypts',
  'signs',
  'verifies',
  'migrates',
  'restores',
  'snapshots',
  'schedules',
  'preempts',
  'paginates',
  'deduplicates',
  'coalesces',
  'truncates',
  'rejects',
  'accepts',
  'forwards',
  'buffers',
  'polls',
  'notifies',
  'spawns',
  'terminates',
  'restarts',
  'drops',
  'reads',
  'writes',
  'locks',
  'unlocks',
  'merges',
  'splits',
];
const ADJECTIVES = [
  'stale',
  'idle',
  'durable',
  'transient',
  'partial',
  'pending',
  'expired',
  'healthy',
  'degraded',
  'private',
  'shared',
  'cold',
  'warm',
  'hot',
  'remote',
  'local',
  'primary',
  'secondary',
  'orphaned',
  'duplicate',
  'ordered',
  'bounded',
  'unbounded',
  'sparse',
  'dense',
  'hybrid',
  'nightly',
  'hourly',
  'regional',
  'global',
  'encrypted',
  'compressed',
  'immutable',
  'mutable',
  'synchronous',
  'asynchronous',
  'idempotent',
  'atomic',
  'eventual',
  'strict',
];
const CONNECTORS = [
  'when',
  'after',
  'before',
  'unless',
  'while',
  'because',
  'until',
  'so that',
  'even if',
  'as soon as',
];
const OBJECT_PHRASES = [
  'under load',
  'at startup',
  'during a deploy',
  'on every retry',
  'per tenant',
  'within the budget',
  'across regions',
  'behind the gateway',
  'in the background',
  'for each shard',
  'at the next epoch',
  'once the lease expires',
];

/** mulberry32: small, fast, and the same numbers on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws ranks 0..n-1 with P(rank) ∝ 1 / (rank + 1)^s. */
function zipf(random: () => number, n: number, s = 1.05): () => number {
  const cumulative = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) cumulative[i] = sum += 1 / Math.pow(i + 1, s);
  return () => {
    const target = random() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

export interface Vocabulary {
  /** Nouns, most frequent first (the Zipf ranks). */
  nouns: string[];
  /** Every distinct word a chunk can contain. */
  size: number;
}

interface Generator {
  random: () => number;
  noun: () => string;
  pick: <T>(list: readonly T[]) => T;
  vocabulary: Vocabulary;
}

function generator(seed: number): Generator {
  const random = seededRandom(seed);
  const compounds = PREFIXES.flatMap((p) => ROOTS.map((r) => `${p}${r}`));
  // A fixed shuffle, so the frequent nouns are not all one prefix's.
  for (let i = compounds.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [compounds[i], compounds[j]] = [compounds[j], compounds[i]];
  }
  const nouns = [...ROOTS, ...PREFIXES, ...compounds];
  const rank = zipf(random, nouns.length);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const size = new Set([
    ...nouns,
    ...VERBS,
    ...ADJECTIVES,
    ...[...CONNECTORS, ...OBJECT_PHRASES].flatMap((p) => p.split(' ')),
    'the',
    'a',
    'its',
  ]).size;
  return { random, noun: () => nouns[rank()], pick, vocabulary: { nouns, size } };
}

function sentence(g: Generator): string {
  const subject = `The ${g.pick(ADJECTIVES)} ${g.noun()} ${g.pick(VERBS)} the ${g.noun()}`;
  const roll = g.random();
  let text = subject;
  if (roll < 0.45) {
    text += ` ${g.pick(CONNECTORS)} a ${g.pick(ADJECTIVES)} ${g.noun()} ${g.pick(VERBS)} its ${g.noun()}`;
  } else if (roll < 0.8) {
    text += ` of the ${g.noun()} ${g.pick(OBJECT_PHRASES)}`;
  } else {
    text += ` and ${g.pick(VERBS)} every ${g.pick(ADJECTIVES)} ${g.noun()}`;
  }
  return `${text}.`;
}

function chunkText(g: Generator): string {
  const target = 60 + Math.floor(g.random() * 141);
  const sentences: string[] = [];
  let words = 0;
  while (words < target) {
    const next = sentence(g);
    sentences.push(next);
    words += next.split(' ').length;
  }
  return sentences.join(' ');
}

export interface BenchCorpus {
  chunks: StoredChunk[];
  queries: string[];
  vocabulary: Vocabulary;
  /** Mean words per chunk. */
  meanWords: number;
}

const CREATED_FROM = Date.UTC(2025, 0, 1);
const CREATED_SPAN_MS = 700 * 86_400_000;

/**
 * `count` documents of one chunk each (`doc-<n>#0`), embedded with `embed` (untimed here),
 * and `queries` short queries drawn from the same word distribution.
 */
export function buildCorpus(
  count: number,
  queryCount: number,
  embed: (text: string) => number[],
  seed = 0x5eed,
): BenchCorpus {
  const g = generator(seed);
  const chunks: StoredChunk[] = [];
  let words = 0;
  for (let n = 0; n < count; n++) {
    const text = chunkText(g);
    words += text.split(' ').length;
    const created = new Date(CREATED_FROM + Math.floor(g.random() * CREATED_SPAN_MS)).toISOString();
    const tags = [...new Set([g.pick(TAGS), g.pick(TAGS), g.pick(TAGS)])].slice(
      0,
      1 + Math.floor(g.random() * 3),
    );
    chunks.push({
      id: `doc-${n}#0`,
      documentId: `doc-${n}`,
      text,
      vector: embed(text),
      metadata: {
        doc_type: DOC_TYPES[n % DOC_TYPES.length],
        source: `bench://corpus/doc-${n}`,
        created_at: created,
        updated_at: created,
        privacy_level: 'internal',
        tags,
      },
    });
  }
  const queries: string[] = [];
  for (let q = 0; q < queryCount; q++) {
    const terms = 2 + Math.floor(g.random() * 3);
    const parts = [g.pick(ADJECTIVES)];
    for (let t = 1; t < terms; t++) parts.push(g.noun());
    if (g.random() < 0.4) parts.push(g.pick(VERBS));
    queries.push(parts.join(' '));
  }
  return { chunks, queries, vocabulary: g.vocabulary, meanWords: words / count };
}
