import type { Chunk, Chunker, ChunkMetadata, ParsedDocument } from '../document.types';
import { ChunkList } from './chunk-builder';
import { decodeTokens, encodeTokens, safeWindowEnd } from './token-codec';
import { documentUnits } from './document-units';

export interface FixedTokenOptions {
  maxTokens: number;
  overlapTokens: number;
}

/** Windows of `maxTokens` o200k tokens, each starting `overlapTokens` before the last ended. */
export function splitByTokens(
  text: string,
  { maxTokens, overlapTokens }: FixedTokenOptions,
): string[] {
  const tokens = encodeTokens(text);
  const windows: string[] = [];
  for (let start = 0; start < tokens.length;) {
    const end = safeWindowEnd(tokens, start, maxTokens);
    windows.push(decodeTokens(tokens.slice(start, end)));
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
