import { cosine, hashedEmbedding, words } from './hashed-embedding';

const RERANK_DIMENSIONS = 256;

/**
 * The simulated rerank model's relevance of `document` to `query`, in [0, 1]: half the share
 * of the query's words the document contains, half the cosine of their hashed embeddings.
 * Deterministic and lexical, so search quality measured with it is honest about what it is.
 */
export function rerankScore(query: string, document: string): number {
  const asked = new Set(words(query));
  const present = new Set(words(document));
  let found = 0;
  for (const word of asked) if (present.has(word)) found++;
  const overlap = asked.size === 0 ? 0 : found / asked.size;
  const similarity = cosine(
    hashedEmbedding(query, RERANK_DIMENSIONS),
    hashedEmbedding(document, RERANK_DIMENSIONS),
  );
  return Math.round((0.5 * overlap + 0.5 * Math.max(0, similarity)) * 1e6) / 1e6;
}

/** Documents scored and ordered best first (ties by position), cut to `topN`. */
export function rerankResults(
  query: string,
  documents: readonly string[],
  topN?: number,
): { index: number; score: number }[] {
  const scored = documents.map((document, index) => ({
    index,
    score: rerankScore(query, document),
  }));
  scored.sort((a, b) => b.score - a.score || a.index - b.index);
  return scored.slice(0, topN ?? scored.length);
}
