import { estimateTokens } from '@switchboard/llm';

export interface ContextPiece {
  chunkId: string;
  text: string;
}

export interface TrimmedContext {
  text: string;
  chunkIds: string[];
  tokens: number;
}

export const CONTEXT_SEPARATOR = '\n\n';

/**
 * Packs the hits' texts, best first, into at most `budget` tokens (estimateTokens). A hit too
 * large for what is left is skipped, and a later, smaller one may still fit: relevance decides
 * the order, the budget only what is left out. Never cuts a chunk in the middle.
 */
export function trimToContext(pieces: readonly ContextPiece[], budget: number): TrimmedContext {
  const kept: ContextPiece[] = [];
  let tokens = 0;
  const separator = estimateTokens(CONTEXT_SEPARATOR);
  for (const piece of pieces) {
    const cost = estimateTokens(piece.text) + (kept.length > 0 ? separator : 0);
    if (tokens + cost > budget) continue;
    kept.push(piece);
    tokens += cost;
  }
  return {
    text: kept.map((p) => p.text).join(CONTEXT_SEPARATOR),
    chunkIds: kept.map((p) => p.chunkId),
    tokens,
  };
}
