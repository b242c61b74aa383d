import type { LlmMessage, LlmTool } from './messages/llm-message';
import { IMAGE_INPUT_TOKENS, messageInput } from './messages/message-input';
import { countTokens } from 'gpt-tokenizer';

/**
 * The longest piece handed to the tokenizer at once. Its BPE merge is quadratic in the length
 * of one run without a word break (200,000 × "x" took 40 s, CJK text longer), so long texts
 * are counted in pieces of at most this many characters: the cost stays linear, and on prose
 * (cut at word starts) the count is the same.
 */
export const TOKENIZER_PIECE_CHARS = 2_000;

const isSpace = (code: number) =>
  code === 0x20 || (code >= 0x09 && code <= 0x0d) || code === 0xa0 || code === 0x3000;

/**
 * Where the next piece ends: before the start of a whitespace run in the piece's second half
 * (where o200k's own pre-tokenizer splits prose), else at the limit, never inside a
 * surrogate pair.
 */
function pieceEnd(text: string, start: number): number {
  const limit = start + TOKENIZER_PIECE_CHARS;
  if (limit >= text.length) return text.length;
  for (let i = limit; i > start + TOKENIZER_PIECE_CHARS / 2; i--) {
    if (isSpace(text.charCodeAt(i)) && !isSpace(text.charCodeAt(i - 1))) return i;
  }
  const high = text.charCodeAt(limit - 1);
  return high >= 0xd800 && high <= 0xdbff ? limit - 1 : limit;
}

/**
 * Tokens of a text with OpenAI's o200k tokenizer. Budgets reserve on this count, the OpenAI
 * front door checks context windows with it, and calls a provider reports no usage for are
 * logged with it. Other providers' tokenizers differ slightly; a BPE tokenizer never yields
 * fewer tokens than there are words.
 */
export function estimateTokens(text: string): number {
  if (text.length <= TOKENIZER_PIECE_CHARS) return text.length === 0 ? 0 : countTokens(text);
  return tokenizerPieces(text).reduce((sum, piece) => sum + countTokens(piece), 0);
}

/** The pieces `estimateTokens` counts one by one; together they are the text. */
export function tokenizerPieces(text: string): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < text.length;) {
    const end = pieceEnd(text, start);
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}

/** Every message costs a few tokens of framing, as in OpenAI's chat format. */
const REQUEST_FRAMING = 3;
const MESSAGE_FRAMING = 4;

/** Our o200k count of a request's input: its messages, images and tool definitions. */
export function estimateMessageTokens(
  messages: readonly LlmMessage[],
  tools?: readonly LlmTool[],
): number {
  const { texts, images } = messageInput(messages, tools);
  return texts.reduce(
    (sum, text) => sum + estimateTokens(text),
    REQUEST_FRAMING + MESSAGE_FRAMING * messages.length + IMAGE_INPUT_TOKENS * images,
  );
}

/**
 * `estimateMessageTokens` when it is at most `limit`; otherwise a count over `limit` that may
 * be short of the whole (counting stops at the first piece past it). Messages whose UTF-8
 * bytes already fit are not tokenized at all: no BPE token is shorter than a byte. Tokenizing
 * random text runs at about 0.5 MB/s, so a check against a context window costs at most the
 * window's worth of text, not the whole body.
 */
export function estimateMessageTokensUpTo(
  messages: readonly LlmMessage[],
  limit: number,
  tools?: readonly LlmTool[],
): number {
  const { texts, images } = messageInput(messages, tools);
  const framing = REQUEST_FRAMING + MESSAGE_FRAMING * messages.length + IMAGE_INPUT_TOKENS * images;
  const bytes = texts.reduce((sum, text) => sum + Buffer.byteLength(text, 'utf8'), framing);
  if (bytes <= limit) return estimateMessageTokens(messages, tools);
  let tokens = framing;
  for (const text of texts) {
    for (const piece of tokenizerPieces(text)) {
      tokens += countTokens(piece);
      if (tokens > limit) return tokens;
    }
  }
  return tokens;
}
