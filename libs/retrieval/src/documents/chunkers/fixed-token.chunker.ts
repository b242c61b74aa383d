import type { Chunk, Chunker, ChunkMetadata, ParsedDocument } from '../document.types';
import { ChunkList } from './chunk-builder';
import { countTokens, decodeTokens, encodeTokens, safeWindowEnd } from './token-codec';
import { documentUnits } from './document-units';

export interface FixedTokenOptions {
  maxTokens: number;
  overlapTokens: number;
}

/**
 * Windows of `maxTokens` o200k tokens, each starting `overlapTokens` before the last ended.
 * A window's text can re-tokenize to a token more than its ids (a word cut at its edge), so
 * each is checked with an exact count and narrowed until it fits.
 */
export function splitByTokens(
  text: string,
  { maxTokens, overlapTokens }: FixedTokenOptions,
): string[] {
  const tokens = encodeTokens(text);
  const windows: string[] = [];
  for (let start = 0; start < tokens.length;) {
    let end = safeWindowEnd(tokens, start, maxTokens);
    let window = decodeTokens(tokens.slice(start, end));
    while (end - start > 1 && countTokens(window) > maxTokens) {
      end = safeWindowEnd(tokens, start, end - start - 1);
      window = decodeTokens(tokens.slice(start, end));
    }
    windows.push(window);
    if (end >= tokens.length) break;
    start = Math.max(end - overlapTokens, start + 1);
  }
  return windows;
}

/** Fixed-size chunks by tokens with overlap; a PDF is chunked page by page (its page in metadata). */
export class FixedTokenChunker implements Chunker {
  constructor(private readonly options: FixedTokenOptions) {}

  async chunk(doc: ParsedDocument): Promise<Chunk[]> {
    const list = new ChunkList();
    for (const unit of documentUnits(doc)) {
      for (const text of splitByTokens(unit.text, this.options)) {
        list.add(text, { ...unit.metadata } satisfies ChunkMetadata);
      }
    }
    return list.chunks;
  }
}
