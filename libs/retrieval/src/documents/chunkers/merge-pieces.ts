import { countTokens } from './token-codec';

export interface MergeOptions {
  maxTokens: number;
  overlapTokens: number;
}

/**
 * Packs consecutive pieces (each at most `maxTokens`) into chunks of at most `maxTokens`; each
 * chunk after the first starts with the last pieces of the one before, up to `overlapTokens`
 * (none when they leave no room for new text). Sizes add the pieces' counts; each chunk is
 * checked with an exact count, since a join can tokenize past the sum of its parts.
 */
export function mergePieces(pieces: string[], options: MergeOptions): string[] {
  return mergeRanges(pieces, options).map(([from, to]) => pieces.slice(from, to).join(''));
}

/** `mergePieces` as `[from, to)` ranges of piece indexes, for callers that track line ranges. */
export function mergeRanges(
  pieces: string[],
  { maxTokens, overlapTokens }: MergeOptions,
): [number, number][] {
  const counts = pieces.map(countTokens);
  const join = (from: number, to: number) => pieces.slice(from, to).join('');
  const chunks: [number, number][] = [];
  let start = 0;
  let done = 0; // pieces before this index are in an emitted chunk
  while (done < pieces.length) {
    let end = start;
    let size = 0;
    while (end < pieces.length && (end === start || size + counts[end] <= maxTokens)) {
      size += counts[end++];
    }
    while (end - start > 1 && countTokens(join(start, end)) > maxTokens) end--;
    if (end <= done) {
      start = done;
      continue;
    }
    chunks.push([start, end]);
    done = end;
    let next = end;
    let overlap = 0;
    while (next - 1 > start && overlap + counts[next - 1] <= overlapTokens)
      overlap += counts[--next];
    start = next;
  }
  return chunks;
}
