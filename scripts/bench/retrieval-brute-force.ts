import {
  DEFAULT_FUSION,
  fuseRankedLists,
  type RankedItem,
  type StoredChunk,
} from '@switchboard/retrieval';

/**
 * The retrieval leg's baseline: the same searches done by scanning every chunk in memory, no
 * index. Dense is exact cosine over all vectors (one flat Float32Array); keyword is plain
 * BM25 (k1 1.2, b 0.75) scoring every chunk's term counts; hybrid runs both and fuses them
 * with the store's own `fuseRankedLists`, over the same candidate count the store fetches.
 */
const K1 = 1.2;
const B = 0.75;
const STOP_WORDS = new Set(
  'a an and are as at be but by for from has have if in into is it its of on or such that the their then there these they this to was were will with'.split(
    ' ',
  ),
);

export function tokens(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0 && !STOP_WORDS.has(t));
}

/** Keeps the `limit` best (id, score) pairs seen, best first. */
class TopK {
  readonly items: { index: number; score: number }[] = [];
  constructor(private readonly limit: number) {}

  offer(index: number, score: number): void {
    const items = this.items;
    if (items.length === this.limit && score <= items[items.length - 1].score) return;
    let at = items.length;
    while (at > 0 && items[at - 1].score < score) at--;
    items.splice(at, 0, { index, score });
    if (items.length > this.limit) items.pop();
  }
}

export type ChunkPredicate = (chunk: StoredChunk) => boolean;

export class BruteForceIndex {
  private readonly vectors: Float32Array;
  private readonly dimension: number;
  private readonly termCounts: Map<string, number>[];
  private readonly lengths: Uint32Array;
  private readonly documentFrequency = new Map<string, number>();
  private readonly averageLength: number;

  constructor(private readonly chunks: readonly StoredChunk[]) {
    this.dimension = chunks[0]?.vector.length ?? 0;
    this.vectors = new Float32Array(chunks.length * this.dimension);
    this.lengths = new Uint32Array(chunks.length);
    this.termCounts = [];
    let total = 0;
    chunks.forEach((chunk, i) => {
      const norm = Math.hypot(...chunk.vector) || 1;
      chunk.vector.forEach((v, d) => (this.vectors[i * this.dimension + d] = v / norm));
      const counts = new Map<string, number>();
      const words = tokens(chunk.text);
      for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
      for (const word of counts.keys())
        this.documentFrequency.set(word, (this.documentFrequency.get(word) ?? 0) + 1);
      this.termCounts.push(counts);
      this.lengths[i] = words.length;
      total += words.length;
    });
    this.averageLength = total / Math.max(1, chunks.length);
  }

  /** Cosine similarity against every vector (that passes `where`). */
  dense(vector: readonly number[], limit: number, where?: ChunkPredicate): RankedItem<string>[] {
    const dim = this.dimension;
    const query = new Float32Array(dim);
    const norm = Math.hypot(...vector) || 1;
    for (let d = 0; d < dim; d++) query[d] = vector[d] / norm;
    const top = new TopK(limit);
    const vectors = this.vectors;
    for (let i = 0; i < this.chunks.length; i++) {
      if (where && !where(this.chunks[i])) continue;
      let dot = 0;
      const base = i * dim;
      for (let d = 0; d < dim; d++) dot += vectors[base + d] * query[d];
      top.offer(i, dot);
    }
    return this.ranked(top);
  }

  /** BM25 of every chunk (that passes `where`) for the query's distinct terms. */
  keyword(text: string, limit: number, where?: ChunkPredicate): RankedItem<string>[] {
    const n = this.chunks.length;
    const terms = [...new Set(tokens(text))].map((term) => {
      const df = this.documentFrequency.get(term) ?? 0;
      return { term, idf: Math.log(1 + (n - df + 0.5) / (df + 0.5)), df };
    });
    const top = new TopK(limit);
    for (let i = 0; i < n; i++) {
      if (where && !where(this.chunks[i])) continue;
      const counts = this.termCounts[i];
      const norm = K1 * (1 - B + (B * this.lengths[i]) / this.averageLength);
      let score = 0;
      for (const { term, idf, df } of terms) {
        if (df === 0) continue;
        const tf = counts.get(term);
        if (tf) score += (idf * tf * (K1 + 1)) / (tf + norm);
      }
      if (score > 0) top.offer(i, score);
    }
    return this.ranked(top);
  }

  hybrid(
    vector: readonly number[],
    text: string,
    k: number,
    candidates: number,
    where?: ChunkPredicate,
  ): string[] {
    const dense = this.dense(vector, candidates, where);
    const keyword = this.keyword(text, candidates, where);
    return fuseRankedLists(dense, keyword, DEFAULT_FUSION)
      .slice(0, k)
      .map((fused) => fused.item);
  }

  private ranked(top: TopK): RankedItem<string>[] {
    return top.items.map(({ index, score }) => {
      const id = this.chunks[index].id;
      return { id, score, item: id };
    });
  }
}
