/**
 * Client-side BM25 for Qdrant servers without server-side BM25 inference: the document
 * side carries the BM25 term-frequency part, Qdrant's `modifier: idf` on the sparse vector
 * multiplies in the IDF at query time, and the query side weighs each distinct term 1.
 * Term ids are 32-bit FNV-1a hashes of the normalised tokens (Qdrant sparse indices are u32).
 */
export interface SparseVector {
  indices: number[];
  values: number[];
}

export const BM25_K1 = 1.2;
export const BM25_B = 0.75;
/** Fastembed's and Qdrant's default average document length. */
export const BM25_AVG_LEN = 256;

const STOP_WORDS = new Set(
  (
    'a an and are as at be but by for from has have if in into is it its of on or such that the their ' +
    'then there these they this to was were will with'
  ).split(' '),
);

/** Lower-case, accents folded (NFKD without marks), split on anything not a letter or digit. */
export function bm25Tokens(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((token) => token.length > 0 && token.length <= 40 && !STOP_WORDS.has(token));
}

export function termId(token: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(token, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

export function documentSparseVector(text: string): SparseVector {
  const tokens = bm25Tokens(text);
  const frequencies = termFrequencies(tokens);
  const lengthNorm = 1 - BM25_B + BM25_B * (tokens.length / BM25_AVG_LEN);
  return toSparse(frequencies, (tf) => (tf * (BM25_K1 + 1)) / (tf + BM25_K1 * lengthNorm));
}

export function querySparseVector(text: string): SparseVector {
  return toSparse(termFrequencies(bm25Tokens(text)), () => 1);
}

function termFrequencies(tokens: readonly string[]): Map<number, number> {
  const frequencies = new Map<number, number>();
  for (const token of tokens) {
    const id = termId(token);
    frequencies.set(id, (frequencies.get(id) ?? 0) + 1);
  }
  return frequencies;
}

function toSparse(frequencies: Map<number, number>, weight: (tf: number) => number): SparseVector {
  const indices = [...frequencies.keys()].sort((a, b) => a - b);
  return { indices, values: indices.map((id) => weight(frequencies.get(id) as number)) };
}
