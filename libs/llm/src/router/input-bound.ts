import type { CatalogueModel } from '../catalogue/model-catalogue';
import { IMAGE_INPUT_TOKENS, type MessageInput } from '../messages/message-input';

/**
 * Tokens a chat template may add around each message and around the whole request (role
 * headers, separators, begin/end markers). Generous: a bound must never be exceeded.
 */
export const MESSAGE_FRAMING_TOKENS = 8;
export const REQUEST_FRAMING_TOKENS = 16;

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/**
 * The most input tokens any byte-level BPE tokenizer (o200k, cl100k, Llama 3, Mistral,
 * Qwen, Anthropic's...) can count for these texts: each token covers at least one byte.
 */
export function byteBound(texts: readonly string[], images = 0): number {
  return texts.reduce(
    (sum, text) => sum + bytes(text) + MESSAGE_FRAMING_TOKENS,
    REQUEST_FRAMING_TOKENS + IMAGE_INPUT_TOKENS * images,
  );
}

/**
 * The input a call reserves for: our own o200k count × the model's `inputTokenFactor`, never
 * above the byte bound; the byte bound when the catalogue gives no factor. A provider that
 * still reports more is caught at settlement (the model's reservations then scale up).
 */
export function inputTokenBound(
  model: Pick<CatalogueModel, 'inputTokenFactor'>,
  input: Pick<MessageInput, 'texts' | 'images'>,
  counted: number,
): number {
  const ceiling = byteBound(input.texts, input.images);
  if (model.inputTokenFactor === null) return ceiling;
  return Math.min(ceiling, Math.ceil(counted * model.inputTokenFactor));
}
