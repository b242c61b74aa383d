import { hashedEmbedding } from '@switchboard/llm';
// The fakes' deterministic token arithmetic: tests compare adapter-reported usage to it.

export type FinishReason = 'stop' | 'length' | 'tool_calls';

export interface PlannedAnswer {
  /** Content tokens in order; their concatenation is the whole answer text. */
  tokens: string[];
  finish: FinishReason;
}

const words = (text: string): string[] => text.split(/\s+/).filter((word) => word.length > 0);

/** What one image costs as input, whatever its size (OpenAI's low-detail price). */
export const IMAGE_TOKENS = 85;

/** Input tokens: whitespace-separated words over all texts, plus `images` × 85, at least 1. */
export function countInputTokens(texts: readonly string[], images = 0): number {
  return Math.max(
    1,
    texts.reduce((sum, text) => sum + words(text).length, IMAGE_TOKENS * images),
  );
}

/**
 * Structured values (tool schemas, tool call arguments) as countable text: JSON with its
 * punctuation (`{ } [ ] : , "`) turned into spaces, so `{"city":"Paris"}` is 2 words. A string
 * is taken as JSON text already (raw, possibly malformed, arguments).
 */
export function structuredText(value: unknown): string {
  const json = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  return json.replace(/[{}[\]:,"]/g, ' ');
}

/** Output tokens of one tool call: its name, plus the words of its arguments' JSON text. */
export function toolCallTokens(name: string, args: string): number {
  return Math.max(1, words(name).length) + words(structuredText(args)).length;
}

/**
 * Output tokens: the words of `text` (default `tok1 … tokN`), the first bare and the others
 * with one leading space, cut to `maxTokens` (finish `length` when that cut anything).
 */
export function planAnswer(
  tokensPerResponse: number,
  maxTokens: number | undefined,
  text?: string,
): PlannedAnswer {
  const all =
    text === undefined
      ? Array.from({ length: tokensPerResponse }, (_, i) => `tok${i + 1}`)
      : words(text);
  const tokens = all.map((word, i) => (i === 0 ? word : ` ${word}`));
  if (maxTokens !== undefined && maxTokens >= 0 && maxTokens < tokens.length) {
    return { tokens: tokens.slice(0, maxTokens), finish: 'length' };
  }
  return { tokens, finish: 'stop' };
}

/** The smallest of the limits that are set; `undefined` when none is. */
export function smallestLimit(...limits: unknown[]): number | undefined {
  const set = limits.filter((limit): limit is number => typeof limit === 'number' && limit >= 0);
  return set.length > 0 ? Math.min(...set) : undefined;
}

/** The vector size when the request names none (OpenAI's `dimensions` sets it). */
export const EMBEDDING_DIMENSIONS = 64;

/**
 * A deterministic vector for a text that carries some meaning: hashed words and character
 * trigrams (the simulated provider's own function), unit length, every value a multiple of
 * 1/256 so it survives the float32 base64 encoding the OpenAI SDK asks for unchanged.
 */
export function embeddingFor(text: string, options?: { dimensions?: number }): number[] {
  return hashedEmbedding(text, options?.dimensions ?? EMBEDDING_DIMENSIONS);
}

/** Texts of chat message contents: a string, or an array of `{ type: 'text', text }` parts. */
export function contentTexts(content: unknown): string[] {
  if (typeof content === 'string') return [content];
  if (!Array.isArray(content)) return [];
  return content.flatMap((part: any) =>
    part && typeof part.text === 'string' && (part.type === undefined || part.type === 'text')
      ? [part.text as string]
      : [],
  );
}
