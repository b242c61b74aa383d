import { createHash } from 'node:crypto';
import type { LlmMessage } from '../messages/llm-message';

const WORDS = (
  'the plan agent queue token budget route model stream result review code test ' +
  'step check build deploy worker tier cost answer source fact draft final'
).split(' ');

/**
 * Deterministic text for a conversation: the same messages always give the same words.
 * Each word (with its leading space) counts as one output token.
 */
export function simulatedWords(
  messages: readonly LlmMessage[],
  maxTokens: number,
): {
  words: string[];
  truncated: boolean;
} {
  const digest = createHash('sha256').update(JSON.stringify(messages)).digest();
  const natural = 12 + (digest[0] % 36);
  const count = Math.min(natural, maxTokens);
  const words = Array.from(
    { length: count },
    (_, i) => WORDS[digest[(i + 1) % digest.length] % WORDS.length],
  );
  if (words.length > 0) words[0] = `Simulated: ${words[0]}`;
  return { words, truncated: natural > maxTokens };
}
