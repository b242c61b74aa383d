/**
 * Ranking metrics over graded judgements (grade 0..3; relevant means grade >= 1).
 * A ranked list is document ids best first; a repeated id counts only where it first appears.
 */
export type Judgements = ReadonlyMap<string, number>;

/** The first `k` distinct ids of a ranking. */
export function topK(ranked: readonly string[], k: number): string[] {
  const seen = new Set<string>();
  const top: string[] = [];
  for (const id of ranked) {
    if (top.length >= k) break;
    if (seen.has(id)) continue;
    seen.add(id);
    top.push(id);
  }
  return top;
}

export function relevantCount(judgements: Judgements): number {
  let count = 0;
  for (const grade of judgements.values()) if (grade >= 1) count++;
  return count;
}

const gain = (grade: number) => 2 ** grade - 1;
const discount = (rank: number) => Math.log2(rank + 1); // rank is 1-based

/** DCG@k with exponential gains (2^grade − 1) and a log2(rank + 1) discount. */
export function dcgAtK(ranked: readonly string[], judgements: Judgements, k: number): number {
  return topK(ranked, k).reduce(
    (sum, id, index) => sum + gain(judgements.get(id) ?? 0) / discount(index + 1),
    0,
  );
}

/** nDCG@k, the ideal ranking taken from the labels; 0 when nothing is relevant. */
export function ndcgAtK(ranked: readonly string[], judgements: Judgements, k: number): number {
  const ideal = [...judgements.values()]
    .filter((grade) => grade > 0)
    .sort((a, b) => b - a)
    .slice(0, k)
    .reduce((sum, grade, index) => sum + gain(grade) / discount(index + 1), 0);
  return ideal === 0 ? 0 : dcgAtK(ranked, judgements, k) / ideal;
}

/** Relevant hits in the top k divided by k (a list shorter than k is not rewarded). */
export function precisionAtK(ranked: readonly string[], judgements: Judgements, k: number): number {
  if (k <= 0) return 0;
  return hitsAtK(ranked, judgements, k) / k;
}

/** Relevant hits in the top k divided by all relevant documents; 0 when none is relevant. */
export function recallAtK(ranked: readonly string[], judgements: Judgements, k: number): number {
  const relevant = relevantCount(judgements);
  return relevant === 0 ? 0 : hitsAtK(ranked, judgements, k) / relevant;
}

/** 1 / rank of the first relevant document; 0 when none is retrieved. */
export function reciprocalRank(ranked: readonly string[], judgements: Judgements): number {
  const ids = topK(ranked, ranked.length);
  const index = ids.findIndex((id) => (judgements.get(id) ?? 0) >= 1);
  return index < 0 ? 0 : 1 / (index + 1);
}

function hitsAtK(ranked: readonly string[], judgements: Judgements, k: number): number {
  return topK(ranked, k).filter((id) => (judgements.get(id) ?? 0) >= 1).length;
}
