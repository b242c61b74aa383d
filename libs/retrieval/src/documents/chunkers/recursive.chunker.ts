import type { Chunk, Chunker, ParsedDocument } from '../document.types';
import { ChunkList } from './chunk-builder';
import { documentUnits } from './document-units';
import { splitByTokens } from './fixed-token.chunker';
import { mergePieces } from './merge-pieces';
import { splitParagraphs, splitSentences, splitWords } from './text-splits';
import { countTokens } from './token-codec';

export interface RecursiveOptions {
  maxTokens: number;
  overlapTokens: number;
}

const LEVELS = [splitParagraphs, splitSentences, splitWords];

/** Pieces of at most `maxTokens`: paragraphs, then sentences, then words, then token windows. */
export function splitRecursively(text: string, maxTokens: number, level = 0): string[] {
  if (countTokens(text) <= maxTokens) return [text];
  if (level >= LEVELS.length) return splitByTokens(text, { maxTokens, overlapTokens: 0 });
  const pieces = LEVELS[level](text);
  if (pieces.length <= 1) return splitRecursively(text, maxTokens, level + 1);
  return pieces.flatMap((p) =>
    countTokens(p) <= maxTokens ? [p] : splitRecursively(p, maxTokens, level + 1),
  );
}

/**
 * Chunks of at most `maxTokens` cut at the largest boundary that fits (paragraph, sentence,
 * word), packed greedily with `overlapTokens` of overlap; PDF pages are chunked one by one.
 */
export class RecursiveChunker implements Chunker {
  constructor(private readonly options: RecursiveOptions) {}

  async chunk(doc: ParsedDocument): Promise<Chunk[]> {
    const list = new ChunkList();
    for (const unit of documentUnits(doc)) {
      const pieces = splitRecursively(unit.text, this.options.maxTokens);
      for (const text of mergePieces(pieces, this.options))
        list.add(text.trim(), { ...unit.metadata });
    }
    return list.chunks;
  }
}
