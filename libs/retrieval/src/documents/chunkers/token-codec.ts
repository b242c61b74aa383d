import { estimateTokens } from '@switchboard/llm';
import { decode, encode } from 'gpt-tokenizer';

/** o200k tokens of a text: the LLM lib's counter, the one budgets use. */
export const countTokens = (text: string): number => estimateTokens(text);

const PIECE_CHARS = 2_000;

/**
 * o200k token ids of a text, encoded in pieces cut before whitespace (BPE merging is quadratic
 * in one long run; the LLM lib counts in pieces for the same reason).
 */
export function encodeTokens(text: string): number[] {
  const tokens: number[] = [];
  for (let start = 0; start < text.length;) {
    let end = Math.min(text.length, start + PIECE_CHARS);
    if (end < text.length) {
      const cut = text.lastIndexOf(' ', end);
      if (cut > start + PIECE_CHARS / 2) end = cut;
      else if (/[\uD800-\uDBFF]/.test(text[end - 1])) end--;
    }
    for (const t of encode(text.slice(start, end))) tokens.push(t);
    start = end;
  }
  return tokens;
}

/** The text of a run of token ids. */
export const decodeTokens = (tokens: number[]): string => decode(tokens);

/**
 * Ends of token windows of at most `maxTokens`, moved back (by at most 3 tokens) so a window
 * never ends inside a multi-byte character split across tokens.
 */
export function safeWindowEnd(tokens: number[], start: number, maxTokens: number): number {
  const end = Math.min(tokens.length, start + maxTokens);
  for (let e = end; e > start && e > end - 4; e--) {
    if (e === tokens.length || !decodeTokens(tokens.slice(start, e)).endsWith('\uFFFD')) return e;
  }
  return end;
}
