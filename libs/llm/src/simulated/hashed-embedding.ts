/**
 * A deterministic embedding that carries some meaning, for the simulated provider and the
 * test servers: words and their character trigrams are hashed into signed buckets (the
 * hashing trick), so texts sharing words or word pieces point the same way and cosine
 * similarity behaves like a rough lexical similarity. Unit length, every value a multiple
 * of 1/256 (it survives float32 base64 encoding unchanged).
 */
export const DEFAULT_HASHED_DIMENSIONS = 64;
/** The simulated provider's vector size (its catalogue entries say `dimensions: 256`). */
export const DEFAULT_SIMULATED_DIMENSIONS = 256;

const WORD = /[\p{L}\p{N}]+/gu;
const TRIGRAM_WEIGHT = 0.35;

export function hashedEmbedding(text: string, dimensions = DEFAULT_HASHED_DIMENSIONS): number[] {
  const sums = new Float64Array(dimensions);
  for (const word of words(text)) {
    add(sums, `w:${word}`, 1);
    const padded = `^${word}$`;
    for (let i = 0; i + 3 <= padded.length; i++)
      add(sums, `t:${padded.slice(i, i + 3)}`, TRIGRAM_WEIGHT);
  }
  let norm = Math.hypot(...sums);
  if (norm === 0) {
    // No words: a fixed direction derived from the raw text, so the vector is never zero.
    add(sums, `raw:${text}`, 1);
    norm = 1;
  }
  return Array.from(sums, (value) => Math.round((value / norm) * 256) / 256);
}

/** Lowercased words with a crude plural fold, so "jobs" and "job" share a bucket. */
export function words(text: string): string[] {
  return (text.toLowerCase().match(WORD) ?? []).map((w) =>
    w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w,
  );
}

function add(sums: Float64Array, feature: string, weight: number): void {
  const hash = fnv1a(feature);
  sums[hash % sums.length] += hash & 0x80000000 ? -weight : weight;
}

function fnv1a(text: string): number {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return hash >>> 0;
}

/** Cosine similarity of two vectors of the same length (0 when either is zero). */
export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
